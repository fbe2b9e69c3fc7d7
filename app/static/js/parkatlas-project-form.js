/**
 * ParkAtlas — the project form (templates/project_form.html): shows the GB/T 4754-2017
 * division's name beside the industry code as it is typed or picked (the names are the
 * form's own <datalist>, rendered by the server in the user's language). Text only: the
 * name is set with textContent.
 */
var input = document.getElementById('pa-p-industry_code');
var shown = document.getElementById('pa-industry-name');
var list = document.getElementById('pa-industries');

function divisionName(code) {
  var division = (code || '').trim().slice(0, 2);
  var options = list ? list.options : [];
  for (var i = 0; i < options.length; i++) {
    if (options[i].value === division) { return options[i].textContent; }
  }
  return '';
}

function update() {
  shown.textContent = divisionName(input.value);
}

if (input && shown) {
  input.addEventListener('input', update);
  update();
}
