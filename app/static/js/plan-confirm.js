/*
 * The plan page's actions ask first (/plans/<id>): submitting freezes a version,
 * approving makes it the plan of record, starting a new version takes a submitted one
 * out of approval, deleting cannot be undone. Each action's form carries what will
 * happen (data-confirm-title, -body, -button, translated by the template); a submit
 * opens the page's modal <dialog id="pa-plan-confirm"> with those texts (set as text,
 * never as HTML), and only its confirm button sends the form. Cancel, Escape or a
 * click on Cancel leave everything as it was.
 */
var dialog = document.getElementById('pa-plan-confirm');

if (dialog) {
  var title = document.getElementById('pa-plan-confirm-title');
  var body = document.getElementById('pa-plan-confirm-body');
  var ok = document.getElementById('pa-plan-confirm-ok');
  var pending = null;

  document.querySelectorAll('form[data-confirm-title]').forEach(function (form) {
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      pending = form;
      title.textContent = form.dataset.confirmTitle;
      body.textContent = form.dataset.confirmBody;
      ok.textContent = form.dataset.confirmButton;
      ok.className = 'btn btn-sm ' +
        (form.dataset.confirmDanger === 'true' ? 'btn-danger' : 'btn-primary');
      dialog.returnValue = '';
      dialog.setAttribute('data-action', form.id);
      dialog.showModal();
    });
  });

  dialog.addEventListener('close', function () {
    var form = pending;
    pending = null;
    dialog.removeAttribute('data-action');
    if (form && dialog.returnValue === 'confirm') {
      form.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
      form.submit();  // a form's submit() sends it without firing 'submit' again
    }
  });
}
