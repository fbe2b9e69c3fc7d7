/**
 * ParkAtlas — the board (看板, templates/board.html), for planners and admins: move a
 * project's card to the next stage by dragging its handle (SortableJS: a column accepts
 * only the cards whose next stage it is) or with the card's button. Either opens the
 * dialog that asks for the date the project got there (today by default, never later);
 * saving posts it (POST /api/v1/projects/<id>/stage, the version read) and reloads the
 * board; a refusal or a 409 (with what the other person saved) stays in the dialog.
 * Text only: every value is set with textContent.
 */
import {AuthRedirect, fetchJson, format} from './parkatlas-status.js';

var config = JSON.parse(document.getElementById('pa-board-config').textContent);
var board = document.getElementById('pa-board');
var dialogEl = document.getElementById('pa-move-dialog');
var form = document.getElementById('pa-move-form');
var what = document.getElementById('pa-move-what');
var dateInput = document.getElementById('pa-move-date');
var errorBox = document.getElementById('pa-move-error');
var saveButton = document.getElementById('pa-move-save');
var dialog = window.bootstrap.Modal.getOrCreateInstance(dialogEl);
var moving = null;

function msg(key) {
  return (config.messages && config.messages[key]) || key;
}

function stageName(stage) {
  return msg('board.stage.' + stage);
}

function showError(lines) {
  errorBox.textContent = '';
  lines.forEach(function (line, i) {
    if (i) { errorBox.appendChild(document.createElement('br')); }
    errorBox.appendChild(document.createTextNode(line));
  });
  errorBox.classList.toggle('d-none', !lines.length);
}

/** Open the dialog for a card: "<code> <name>: <stage> → <next stage>". */
function ask(card) {
  moving = card;
  what.textContent = card.dataset.code + ' ' + card.dataset.name + ': ' +
    stageName(card.dataset.stage) + ' → ' + stageName(card.dataset.nextStage);
  dateInput.value = card.dataset.actualOn || config.today;
  dateInput.max = config.today;
  showError([]);
  saveButton.disabled = false;
  saveButton.textContent = saveButton.dataset.label || saveButton.textContent;
  dialog.show();
}

/** What a 409 says the other person saved: the project, and the stage's milestone. */
function conflictLines(details) {
  var lines = [];
  var current = details && details.current;
  if (current) {
    lines.push(format(msg('board.move.conflict'), {user: current.changed_by || '—',
      at: current.changed_at || '—', stage: stageName(current.properties.stage),
      version: current.version}));
  }
  var m = details && details.milestone;
  if (m) {
    lines.push(format(msg('board.move.milestone'), {stage: stageName(m.stage),
      planned: m.planned_on || '—', actual: m.actual_on || '—', version: m.version}));
  }
  return lines;
}

function save(event) {
  event.preventDefault();
  if (!moving) { return; }
  var card = moving;
  saveButton.dataset.label = saveButton.dataset.label || saveButton.textContent;
  saveButton.disabled = true;
  saveButton.textContent = msg('board.move.saving');
  var body = {version: Number(card.dataset.version), stage: card.dataset.nextStage,
    actual_on: dateInput.value,
    milestone_version: card.dataset.milestoneVersion ? Number(card.dataset.milestoneVersion)
      : null};
  fetchJson(config.api + '/projects/' + card.dataset.projectId + '/stage?lang=' +
    document.documentElement.lang.slice(0, 2), {method: 'POST', body: body,
    login: config.urls.login, httpError: msg('error.http'),
    networkError: msg('error.network')})
    .then(function () {
      board.setAttribute('data-moved', card.dataset.projectId);
      window.location.reload();
    }, function (err) {
      if (err instanceof AuthRedirect) { return; }
      saveButton.disabled = false;
      saveButton.textContent = saveButton.dataset.label;
      var details = err.error && err.error.details;
      showError([err.message].concat(err.status === 409 ? conflictLines(details) : []));
    });
}

form.addEventListener('submit', save);
board.addEventListener('click', function (event) {
  var button = event.target.closest('.pa-card-move');
  if (button) { ask(button.closest('.pa-card')); }
});

// Drag: a card goes only to the column of its next stage; the dialog decides, so the
// card goes back to its place until the move is saved (the board is then reloaded).
board.querySelectorAll('.pa-board-cards').forEach(function (column) {
  window.Sortable.create(column, {
    group: {name: 'board', pull: true, put: function (to, from, dragged) {
      return to.el.dataset.stage === dragged.dataset.nextStage;
    }},
    sort: false,
    handle: '.pa-card-handle',
    // pointer events rather than the browser's drag and drop: the same on touch screens
    forceFallback: true,
    draggable: '.pa-card',
    ghostClass: 'pa-card-ghost',
    onMove: function (evt) {
      board.querySelectorAll('.pa-board-drop-ok').forEach(function (el) {
        el.classList.remove('pa-board-drop-ok');
      });
      if (evt.to !== evt.from) { evt.to.classList.add('pa-board-drop-ok'); }
    },
    onEnd: function (evt) {
      board.querySelectorAll('.pa-board-drop-ok').forEach(function (el) {
        el.classList.remove('pa-board-drop-ok');
      });
      if (evt.to === evt.from) { return; }
      evt.from.insertBefore(evt.item, evt.from.children[evt.oldIndex] || null);
      ask(evt.item);
    }
  });
});
board.setAttribute('data-ready', 'true');
