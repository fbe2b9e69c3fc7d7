/*
 * ParkAtlas (园区一张图) — a plot's form (/plots/<id>/edit) and history (/plots/<id>,
 * /plots/<id>/history). Issue 10 items 1, 3, 4.
 *
 * The form checks the lifecycle order at the field as the database trigger does
 * (check_plot_lifecycle(): the eight dated events in order, the agreed start on or after
 * the supply contract, no requisition of state land), saves only the changed fields through
 * PATCH /api/v1/plots/<id> with If-Match, and shows the server's refusal at its field. A 409
 * carries the plot as it is now: the conflict panel shows, field by field, the value when
 * you started, theirs and yours, and re-applies your changes on the current version (asking
 * for each field you both changed). The history draws each outline change on a small
 * Leaflet map and restores an earlier version (POST /api/v1/plots/<id>/restore).
 * Every text from the server is inserted as text.
 */
import {AuthRedirect, fetchJson} from './http.js';

function config(id) {
  var node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : null;
}

function format(template, values) {
  return String(template).replace(/\{(\w+)\}/g, function (all, key) {
    return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
  });
}

function el(tag, className, text) {
  var node = document.createElement(tag);
  if (className) { node.className = className; }
  if (text !== undefined && text !== null) { node.textContent = String(text); }
  return node;
}

function blank(v) { return v === null || v === undefined || v === ''; }

/** Whether two field values are the same (numbers compared as numbers, blank as null). */
function same(a, b) {
  if (blank(a) || blank(b)) { return blank(a) && blank(b); }
  if (typeof a === 'number' || typeof b === 'number') { return Number(a) === Number(b); }
  return String(a) === String(b);
}

function showText(box, text) {
  box.textContent = text || '';
  box.hidden = !text;
}

// --- the form -----------------------------------------------------------------------

var ORDERED = ['approved_on', 'requisitioned_on', 'banked_on', 'supplied_on', 'delivered_on',
  'started_on', 'completed_on', 'operating_on'];
var NOT_NULL = {house_floor_area_m2: 0};

function initForm(cfg) {
  var form = document.getElementById('pa-plot-form');
  var msg = function (key) { return cfg.messages[key] || key; };
  var errorBox = document.getElementById('pa-form-error');
  var statusBox = document.getElementById('pa-form-status');
  var panel = document.getElementById('pa-conflict');
  var fields = Array.prototype.map.call(form.querySelectorAll('.pa-field'), function (n) {
    return n.getAttribute('data-field');
  });
  var state = {version: cfg.version, base: Object.assign({}, cfg.values),
    geometry: cfg.geometry, pending: null};

  function input(f) { return document.getElementById('f-' + f); }

  function read(f) {
    var node = input(f);
    if (node.type === 'checkbox') { return node.checked; }
    var v = node.value.trim();
    if (v === '') { return Object.prototype.hasOwnProperty.call(NOT_NULL, f) ? NOT_NULL[f] : null; }
    if (node.type === 'number') { return Number(v); }
    if (f === 'zone_id') { return parseInt(v, 10); }
    return v;
  }

  function write(f, v) {
    var node = input(f);
    if (node.type === 'checkbox') { node.checked = Boolean(v); } else { node.value = blank(v) ? '' : String(v); }
    node.dispatchEvent(new Event('input', {bubbles: true}));
  }

  /** A value as the form shows it: names for codes, yes/no, — for blank. */
  function display(f, v) {
    if (blank(v)) { return '—'; }
    var node = input(f);
    if (node.type === 'checkbox') { return msg(v ? 'yes' : 'no'); }
    var options = node.tagName === 'SELECT' ? node.options : (node.list ? node.list.options : []);
    for (var i = 0; i < options.length; i++) {
      if (options[i].value === String(v)) { return options[i].label || options[i].textContent; }
    }
    return String(v);
  }

  function name(f) { return cfg.fieldNames[f] || f; }

  function mark(f, text) {
    var node = input(f);
    var problem = document.getElementById('f-' + f + '-problem');
    node.classList.toggle('is-invalid', Boolean(text));
    if (problem) { problem.textContent = text || ''; }
    if (text) { node.setAttribute('aria-describedby', 'f-' + f + '-problem'); }
  }

  function clearMarks() { fields.forEach(function (f) { mark(f, ''); }); }

  /** The trigger's rules, checked here so that a wrong date is shown before saving. */
  function problems() {
    var found = {};
    var prev = null;
    ORDERED.forEach(function (f) {
      var v = read(f);
      if (blank(v)) { return; }
      if (prev && v < prev.on && !found[f]) {
        found[f] = format(msg('form.order'), {later: name(f), later_on: v,
          earlier: name(prev.f), earlier_on: prev.on});
      }
      prev = {f: f, on: v};
    });
    var agreed = read('agreed_start_on');
    var supplied = read('supplied_on');
    if (!blank(agreed) && blank(supplied)) {
      found.agreed_start_on = msg('form.agreed_needs_supply');
    } else if (!blank(agreed) && agreed < supplied) {
      found.agreed_start_on = format(msg('form.agreed_before_supply'), {date: supplied});
    }
    if (read('owner_type') === 'state' && !blank(read('requisitioned_on'))) {
      found.requisitioned_on = msg('form.state_requisition');
    }
    fields.forEach(function (f) {
      var node = input(f);
      if (node.type === 'number' && (node.validity.badInput ||
          (node.value.trim() !== '' && !(Number(node.value) >= 0)))) {
        found[f] = msg('form.not_number');
      }
    });
    return found;
  }

  function check() {
    var found = problems();
    fields.forEach(function (f) { mark(f, found[f] || ''); });
    return Object.keys(found);
  }

  function changed() {
    return fields.filter(function (f) { return !same(read(f), state.base[f]); });
  }

  function landClassName() {
    var out = document.getElementById('f-land_class-name');
    var v = read('land_class');
    out.textContent = blank(v) ? '' : (display('land_class', v) === v ? '' : display('land_class', v));
  }

  function timeline() {
    form.querySelectorAll('.pa-timeline-step').forEach(function (step) {
      step.classList.toggle('pa-done', !blank(read(step.getAttribute('data-field'))));
    });
  }

  form.addEventListener('change', function () { check(); timeline(); });
  input('land_class').addEventListener('input', landClassName);
  landClassName();

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    showText(errorBox, '');
    showText(statusBox, '');
    if (state.pending) { showText(errorBox, msg('conflict.choose')); return; }
    if (check().length) {
      showText(errorBox, msg('form.fix'));
      var first = form.querySelector('.is-invalid');
      if (first) { first.focus(); }
      return;
    }
    var names = changed();
    if (!names.length) { showText(statusBox, msg('form.no_change')); return; }
    var changes = {};
    names.forEach(function (f) { changes[f] = read(f); });
    var button = document.getElementById('pa-save');
    button.disabled = true;
    showText(statusBox, msg('form.saving'));
    fetchJson(cfg.api + '/plots/' + encodeURIComponent(String(cfg.id)), {
      method: 'PATCH', body: {properties: changes}, login: cfg.login,
      headers: {'If-Match': String(state.version)}
    }).then(function () {
      window.location.assign(cfg.plotPage + '?saved=1');
    }, function (err) {
      button.disabled = false;
      showText(statusBox, '');
      if (err instanceof AuthRedirect) { return; }
      var details = (err.error && err.error.details) || {};
      if (err.status === 409 && details.current) {
        showConflict(details.current);
        return;
      }
      var field = String(details.field || '').replace(/^properties\./, '');
      if (field && fields.indexOf(field) >= 0) { mark(field, err.message); input(field).focus(); }
      showText(errorBox, msg('form.refused') + ' ' + err.message);
    });
  });

  // --- 409: what the other person changed, and re-applying mine on their version -----

  function showConflict(current) {
    var theirs = current.properties || {};
    var mine = {};
    fields.forEach(function (f) { mine[f] = read(f); });
    var myChanged = fields.filter(function (f) { return !same(mine[f], state.base[f]); });
    var theirChanged = fields.filter(function (f) { return !same(theirs[f], state.base[f]); });
    var both = myChanged.filter(function (f) {
      return theirChanged.indexOf(f) >= 0 && !same(mine[f], theirs[f]);
    });
    var body = document.querySelector('#pa-conflict-table tbody');
    while (body.firstChild) { body.removeChild(body.firstChild); }
    fields.filter(function (f) {
      return myChanged.indexOf(f) >= 0 || theirChanged.indexOf(f) >= 0;
    }).forEach(function (f) {
      var tr = el('tr');
      tr.setAttribute('data-field', f);
      if (both.indexOf(f) >= 0) { tr.className = 'table-warning pa-conflict-both'; }
      tr.appendChild(el('th', null, name(f)));
      tr.appendChild(el('td', 'pa-base', display(f, state.base[f])));
      tr.appendChild(el('td', 'pa-theirs' + (theirChanged.indexOf(f) >= 0 ? ' fw-semibold' : ''),
        display(f, theirs[f])));
      tr.appendChild(el('td', 'pa-yours' + (myChanged.indexOf(f) >= 0 ? ' fw-semibold' : ''),
        display(f, mine[f])));
      var choice = el('td', 'pa-choice');
      if (both.indexOf(f) >= 0) {
        choice.title = msg('conflict.both');
        ['mine', 'theirs'].forEach(function (which) {
          var label = el('label', 'form-check form-check-inline mb-0');
          var radio = el('input', 'form-check-input');
          radio.type = 'radio';
          radio.name = 'keep-' + f;
          radio.value = which;
          label.appendChild(radio);
          label.appendChild(el('span', 'form-check-label', msg('conflict.keep_' + which)));
          choice.appendChild(label);
        });
      } else {
        choice.textContent = msg(myChanged.indexOf(f) >= 0 ? 'conflict.keep_mine'
          : 'conflict.keep_theirs');
      }
      tr.appendChild(choice);
      body.appendChild(tr);
    });
    if (JSON.stringify(current.geometry) !== JSON.stringify(state.geometry)) {
      var tr = el('tr');
      tr.setAttribute('data-field', 'geometry');
      tr.appendChild(el('th', null, msg('conflict.geometry')));
      tr.appendChild(el('td', null, '—'));
      tr.appendChild(el('td', 'pa-theirs fw-semibold', msg('conflict.geometry_changed')));
      tr.appendChild(el('td', null, '—'));
      tr.appendChild(el('td', null, msg('conflict.keep_theirs')));
      body.appendChild(tr);
    }
    document.getElementById('pa-conflict-intro').textContent = format(msg('conflict.intro'), {
      user: current.changed_by || '—', version: current.version, at: current.changed_at || '—'});
    state.pending = {current: current, mine: mine, myChanged: myChanged, both: both};
    panel.hidden = false;
    panel.scrollIntoView({block: 'start'});
  }

  document.getElementById('pa-reapply').addEventListener('click', function () {
    var p = state.pending;
    if (!p) { return; }
    var keep = {};
    var undecided = p.both.filter(function (f) {
      var picked = panel.querySelector('input[name="keep-' + f + '"]:checked');
      keep[f] = picked ? picked.value : null;
      return !picked;
    });
    if (undecided.length) { showText(errorBox, msg('conflict.choose')); return; }
    var theirs = p.current.properties || {};
    state.base = Object.assign({}, theirs);
    state.version = p.current.version;
    state.geometry = p.current.geometry;
    state.pending = null;
    fields.forEach(function (f) {
      var mineKept = p.myChanged.indexOf(f) >= 0 && keep[f] !== 'theirs';
      write(f, mineKept ? p.mine[f] : theirs[f]);
    });
    panel.hidden = true;
    showText(errorBox, '');
    clearMarks();
    check();
    timeline();
    form.setAttribute('data-version', String(state.version));
    document.getElementById('pa-form-version').textContent =
      format(msg('form.version'), {version: state.version});
    showText(statusBox, format(msg('conflict.reapplied'), {version: state.version}));
  });
}

// --- the history ----------------------------------------------------------------------

function initHistory(cfg) {
  var msg = function (key) { return cfg.messages[key] || key; };
  var errorBox = document.getElementById('pa-history-error');
  var L = window.L;
  if (L) {
    document.querySelectorAll('.pa-history-map').forEach(function (box) {
      var i = cfg.entries.indexOf(Number(box.getAttribute('data-entry')));
      if (i < 0) { return; }
      var g = cfg.geometries[i];
      var map = L.map(box, {zoomControl: false, attributionControl: false,
        scrollWheelZoom: false});
      var group = L.featureGroup().addTo(map);
      if (g.before) {
        L.geoJSON(g.before, {style: {color: '#6c757d', weight: 2, dashArray: '4 3',
          fillOpacity: 0.1}}).addTo(group);
      }
      if (g.after) {
        L.geoJSON(g.after, {style: {color: '#0d6efd', weight: 2, fillOpacity: 0.15}})
          .addTo(group);
      }
      if (group.getLayers().length) { map.fitBounds(group.getBounds(), {padding: [8, 8]}); }
      box.setAttribute('data-drawn', 'true');
    });
  }
  document.querySelectorAll('.pa-restore').forEach(function (button) {
    button.addEventListener('click', function () {
      var version = Number(button.getAttribute('data-version'));
      if (!window.confirm(format(msg('history.confirm'),
        {code: cfg.plot.code, version: version}))) { return; }
      button.disabled = true;
      showText(errorBox, '');
      fetchJson(cfg.api + '/plots/' + encodeURIComponent(String(cfg.plot.id)) + '/restore', {
        method: 'POST', body: {version: version},
        headers: {'If-Match': String(cfg.plot.version)}
      }).then(function () {
        window.location.reload();
      }, function (err) {
        button.disabled = false;
        if (err instanceof AuthRedirect) { return; }
        showText(errorBox, msg('history.refused') + ' ' + err.message);
      });
    });
  });
}

var formConfig = config('pa-plot-form-config');
if (formConfig) { initForm(formConfig); }
var historyConfig = config('pa-history-config');
if (historyConfig) { initHistory(historyConfig); }
