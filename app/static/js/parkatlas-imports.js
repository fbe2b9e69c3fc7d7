/*
 * The import page (/imports, planner; issue 13): drives the import API over the park map
 * (ParkAtlas.current, its plots and basemaps).
 *  - Upload: POST /api/v1/imports (multipart) through XMLHttpRequest, whose upload
 *    progress fills the bar (files up to the server's limit, 200 MB by default);
 *  - every choice (source layer, encoding, CRS, field mapping, area unit, saved mapping,
 *    treatment of problems, mode and zone) is a PUT /api/v1/imports/<id> whose answer is
 *    the preview again: the incoming features over the park's plots (those with problems
 *    in red), the problems, and a table of what a commit would do with each feature;
 *  - Import: a confirmation <dialog> with the counts, POST …/commit, then the report with
 *    its XLSX and CSV downloads; Cancel: DELETE /api/v1/imports/<id>.
 * Names and values from the file are set with textContent (or escaped where Leaflet takes
 * HTML), never parsed as HTML. API errors are shown by their message; their code only
 * goes into a data attribute.
 */
import {AuthRedirect, csrfToken, fetchJson, redirectToLogin} from './http.js';
import ParkAtlas from './parkatlas-map.js';
import {el, format} from './map/dom.js';
import {headLegend, paneAbove} from './map/picking.js';

const L = window.L;

var cfg = JSON.parse(document.getElementById('pa-import-config').textContent);
var pa = ParkAtlas.current;
var map = pa.map;
var panel = document.getElementById('pa-import');
var TABLE_ROWS = 5000;  // rows of the preview table (the preview map has as many at most)
var ENCODINGS = ['', 'UTF-8', 'GBK', 'GB18030', 'BIG5'];
var OK_STYLE = {color: '#0d6efd', weight: 2, fillColor: '#0d6efd', fillOpacity: 0.2};
var BAD_STYLE = {color: '#dc3545', weight: 3, fillColor: '#dc3545', fillOpacity: 0.3};
var CHOSEN_STYLE = {color: '#ffc107', weight: 5, fillOpacity: 0.45};

var pane = paneAbove(map, 'pa-import', 470);
var renderer = L.svg({pane: pane});
var featureLayer = L.featureGroup().addTo(map);
var candidateLayer = L.featureGroup().addTo(map);
var run = null;        // the last answer of the API (upload or PUT)
var byN = {};          // feature number → its Leaflet layer
var rowByN = {};       // feature number → its table row
var problemsByN = {};  // feature number → [message]
var chosenN = null;
var drawnInGcj = pa.gcj;
var zones = null;
var views = 0;         // answers shown (tests wait on data-views)
var asked = 0;         // choices sent

/** A UI string of this page (app/ui_messages.py, key import.<key>). */
function msg(key, values) {
  var text = pa.msg('import.' + key);
  return values ? format(text, values) : text;
}

function $(id) { return document.getElementById('pa-import-' + id); }

pa.layerControl.addOverlay(featureLayer, ParkAtlas.escapeHtml(msg('layer')));
headLegend(pa, featureLayer, 'import', msg('legendTitle'), [
  [OK_STYLE.fillColor, OK_STYLE.color, '2px', msg('legendOk')],
  [BAD_STYLE.fillColor, BAD_STYLE.color, '3px', msg('legendProblem')]
]);

function apiUrl(path, params) {
  var url = new URL(cfg.api + path, window.location.href);
  url.searchParams.set('lang', cfg.lang);
  Object.keys(params || {}).forEach(function (k) { url.searchParams.set(k, params[k]); });
  return url;
}

function setState(state) { panel.setAttribute('data-state', state); }

function busy(text) {
  $('busy').textContent = text || '';
  if (text) { setState('busy'); }
}

function clearError() {
  var box = $('error');
  box.hidden = true;
  box.textContent = '';
  box.removeAttribute('data-code');
}

/** An API error in words (its code kept in a data attribute for support). */
function showError(err, state) {
  if (err instanceof AuthRedirect) { return; }
  var box = $('error');
  var status = err && err.status;
  var text = err && err.message ? err.message : String(err);
  if (status === 413 && !(err.error && err.error.message)) {
    text = msg('tooLarge', {mb: cfg.maxMb});
  }
  box.textContent = text;
  box.setAttribute('data-code', (err && err.error && err.error.code) || String(status || ''));
  box.hidden = false;
  busy('');
  setState(state || (run ? (run.crs_required ? 'crs' : 'preview') : 'error'));
}

function request(method, path, body) {
  return fetchJson(apiUrl(path), {method: method, body: body, login: pa.cfg.urls.login,
    httpError: pa.msg('error.http'), networkError: pa.msg('error.network')});
}

// --- the encodings, zones and selects ---------------------------------------------------

function fillEncodings() {
  document.querySelectorAll('.pa-import-encodings').forEach(function (select) {
    ENCODINGS.forEach(function (name) {
      var option = el('option', null, name || msg('encodingAuto'));
      option.value = name;
      select.appendChild(option);
    });
  });
}

function loadZones() {
  if (zones) { return Promise.resolve(zones); }
  return request('GET', '/zones?park=' + encodeURIComponent(cfg.park), undefined).then(function (fc) {
    zones = fc.features.map(function (f) { return f.properties; });
    var select = $('zone');
    zones.forEach(function (z) {
      var option = el('option', null, z.code + ' ' + ((cfg.lang === 'en' && z.name_en) || z.name || ''));
      option.value = z.code;
      select.appendChild(option);
    });
    return zones;
  });
}

function options(select, items, chosen) {
  // `chosen`: a value, or a list of them for a multiple select
  var picked = [].concat(chosen);
  select.replaceChildren();
  items.forEach(function (item) {
    var option = el('option', null, item[1]);
    option.value = item[0];
    if (picked.indexOf(item[0]) >= 0) { option.selected = true; }
    select.appendChild(option);
  });
}

// --- upload -----------------------------------------------------------------------------

function upload(event) {
  event.preventDefault();
  var file = $('file').files[0];
  if (!file) { return; }
  clearError();
  if (cfg.maxBytes && file.size > cfg.maxBytes) {  // the server would refuse it (413)
    var tooBig = new Error(msg('tooLarge', {mb: cfg.maxMb}));
    tooBig.status = 413;
    tooBig.error = {code: 'payload_too_large'};
    showError(tooBig, 'error');
    return;
  }
  var data = new FormData();
  data.append('layer', $('layer').value);
  data.append('file', file, file.name);
  if ($('upload-encoding').value) { data.append('encoding', $('upload-encoding').value); }
  var bar = $('progress-bar');
  $('progress').hidden = false;
  bar.style.width = '0%';
  $('progress').setAttribute('aria-valuenow', '0');
  $('send').disabled = true;
  setState('uploading');
  $('busy').textContent = msg('uploading', {name: file.name});
  var xhr = new XMLHttpRequest();
  var url = apiUrl('/imports', {park: cfg.park});
  xhr.open('POST', String(url));
  xhr.setRequestHeader('Accept', 'application/json');
  xhr.setRequestHeader('X-CSRFToken', csrfToken());
  xhr.upload.addEventListener('progress', function (e) {
    if (!e.lengthComputable) { return; }
    var pct = Math.round(100 * e.loaded / e.total);
    bar.style.width = pct + '%';
    bar.textContent = pct + '%';
    $('progress').setAttribute('aria-valuenow', String(pct));
    if (pct >= 100) { $('busy').textContent = msg('reading'); }
  });
  xhr.addEventListener('load', function () {
    $('send').disabled = false;
    if (xhr.status === 401) { redirectToLogin(pa.cfg.urls.login); return; }
    var body = null;
    try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
    if (xhr.status === 201 && body) {
      show(body, true);
      return;
    }
    var err = new Error((body && body.error && body.error.message) ||
                        format(pa.msg('error.http'), {status: xhr.status}));
    err.status = xhr.status;
    err.error = body && body.error;
    $('progress').hidden = true;
    showError(err, 'error');
  });
  xhr.addEventListener('error', function () {
    $('send').disabled = false;
    $('progress').hidden = true;
    showError(new Error(pa.msg('error.network')), 'error');
  });
  xhr.send(data);
}

// --- choices: each one a PUT and the preview again ---------------------------------------

function choose(choices) {
  if (!run) { return Promise.resolve(); }
  var mine = ++asked;
  clearError();
  busy(msg('checking'));
  // Only the answer to the latest choice is shown (an earlier one may arrive later).
  return request('PUT', '/imports/' + run.id, choices)
    .then(function (view) { if (mine === asked) { show(view, false); } })
    .catch(function (err) { if (mine === asked) { showError(err); } });
}

function mappingNow() {
  var fields = {};
  $('fields').querySelectorAll('select').forEach(function (select) {
    if (select.value) { fields[select.getAttribute('data-field')] = select.value; }
  });
  return {fields: fields, area_unit: $('unit').value};
}

function showSummary(view) {
  $('summary').textContent = msg('summary', {
    file: view.file_name, format: String(view.format || '').toUpperCase(),
    n: view.features, encoding: view.encoding || '—',
    source: view.encoding_source ? msg('encodingSource.' + view.encoding_source) : ''});
  var warnings = $('warnings');
  warnings.replaceChildren();
  (view.warnings || []).forEach(function (w) { warnings.appendChild(el('li', null, w)); });
}

function showSource(view) {
  var layers = view.layers || [];
  $('source-wrap').hidden = layers.length <= 1;
  var counts = view.layer_counts || {};
  // A drawing's polygons may lie on several CAD layers (JZX and a hatch layer): the
  // reader takes them comma-joined; other formats have one layer at a time.
  var several = view.format === 'dxf';
  var source = $('source');
  source.multiple = several;
  source.size = several ? Math.min(layers.length, 6) : 1;
  $('source-several').hidden = !several;
  options(source, layers.map(function (name) {
    return [name, counts[name] !== undefined ? msg('layerCount', {name: name, n: counts[name]})
                                             : name];
  }), several ? String(view.source_layer || '').split(',') : view.source_layer);
  $('encoding').value = view.choices.encoding || '';
}

function showCrs(view) {
  var said = $('crs-said');
  var list = $('crs-candidates');
  list.replaceChildren();
  candidateLayer.clearLayers();
  var chosen = view.choices.crs || null;
  if (view.crs) {
    said.textContent = msg('crsDeclared', {epsg: view.crs});
  } else if (view.crs_required) {
    said.textContent = msg('crsRequired');
  } else {
    said.textContent = msg('crsChosen', {epsg: view.srid || chosen});
  }
  (view.crs_candidates || []).forEach(function (c, i) {
    var id = 'pa-import-crs-' + c.epsg;
    var wrap = el('div', 'form-check small');
    var input = el('input', 'form-check-input');
    input.type = 'radio';
    input.name = 'crs';
    input.id = id;
    input.value = String(c.epsg);
    input.checked = chosen === c.epsg;
    input.addEventListener('change', function () { choose({crs: c.epsg}); });
    var label = el('label', 'form-check-label', msg('crsCandidate', {
      epsg: c.epsg, name: c.name, lon: c.lon.toFixed(5), lat: c.lat.toFixed(5),
      km: c.km_from_park.toFixed(1)}));
    label.htmlFor = id;
    wrap.appendChild(input);
    wrap.appendChild(label);
    wrap.setAttribute('data-epsg', String(c.epsg));
    list.appendChild(wrap);
    if (view.crs_required) {
      L.circleMarker(pa.toDisplay(c.lon, c.lat), {
        pane: pane, renderer: renderer, radius: 8, weight: 2,
        color: i === 0 ? '#dc3545' : '#6c757d', fillOpacity: 0.5
      }).bindTooltip(ParkAtlas.escapeHtml('EPSG:' + c.epsg + ' ' + c.name))
        .addTo(candidateLayer);
    }
  });
  $('epsg').value = chosen && !(view.crs_candidates || []).some(function (c) {
    return c.epsg === chosen; }) ? String(chosen) : '';
}

function showMapping(view) {
  var body = $('fields');
  body.replaceChildren();
  var mapped = view.mapping.fields || {};
  var targets = [['', msg('notImported')]].concat(view.targets.map(function (t) {
    return [t, msg('target.' + t)];
  }));
  view.fields.forEach(function (field) {
    var row = el('tr');
    row.appendChild(el('td', null, field));
    var cell = el('td');
    var select = el('select', 'form-select form-select-sm');
    select.setAttribute('data-field', field);
    select.setAttribute('aria-label', field);
    options(select, targets, mapped[field] || '');
    select.addEventListener('change', function () { choose({mapping: mappingNow()}); });
    cell.appendChild(select);
    row.appendChild(cell);
    body.appendChild(row);
  });
  $('unit').value = view.mapping.area_unit || 'm2';
  var saved = view.saved_mappings || [];
  options($('saved'), [['', saved.length ? msg('savedChoose') : msg('savedNone')]].concat(
    saved.map(function (name) { return [name, name]; })), view.choices.mapping_name || '');
  $('load').disabled = saved.length === 0;
}

function showModes(view) {
  var t = view.choices.treatment || 'refuse';
  document.querySelectorAll('input[name=treatment]').forEach(function (r) {
    r.checked = r.value === t;
  });
  var mode = $('mode');
  mode.value = view.choices.mode || 'insert';
  mode.querySelector('option[value=upsert]').disabled =
    view.layer === 'roads' || view.layer === 'networks';
  mode.querySelector('option[value=replace]').disabled = view.layer === 'zones';
  $('zone-wrap').hidden = mode.value !== 'replace';
  if (mode.value === 'replace') {
    loadZones().then(function () { $('zone').value = view.choices.zone || ''; })
      .catch(function (err) { showError(err); });
  }
}

function countsText(counts) {
  return Object.keys(counts).filter(function (k) { return counts[k]; }).map(function (k) {
    return msg('count.' + k, {n: counts[k]});
  }).join(' · ') || msg('count.none');
}

function chooseFeature(n, fit) {
  if (chosenN !== null && byN[chosenN]) { byN[chosenN].setStyle(styleOf(chosenN)); }
  if (chosenN !== null && rowByN[chosenN]) { rowByN[chosenN].classList.remove('pa-selected'); }
  chosenN = n;
  var layer = byN[n];
  if (layer) {
    layer.setStyle(CHOSEN_STYLE);
    if (layer.bringToFront) { layer.bringToFront(); }
    if (fit) { map.fitBounds(layer.getBounds(), {maxZoom: 18, padding: [40, 40]}); }
  }
  var row = rowByN[n];
  if (row) {
    row.classList.add('pa-selected');
    if (!fit) { row.scrollIntoView({block: 'nearest'}); }
  }
  panel.setAttribute('data-chosen', String(n));
}

/** A table row (or list item) that shows its feature on the map: click, Enter or space. */
function selectable(node, n) {
  node.tabIndex = 0;
  node.addEventListener('click', function () { chooseFeature(n, true); });
  node.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); chooseFeature(n, true); }
  });
}

function styleOf(n) { return problemsByN[n] ? BAD_STYLE : OK_STYLE; }

function drawFeatures() {
  featureLayer.clearLayers();
  byN = {};
  if (!run || !run.preview) { return; }
  L.geoJSON(run.preview, {
    pane: pane, renderer: renderer, coordsToLatLng: function (c) { return pa.coordsToLatLng(c); },
    pointToLayer: function (feature, latlng) {
      return L.circleMarker(latlng, {radius: 5, pane: pane, renderer: renderer});
    },
    style: function (feature) { return styleOf(feature.properties.n); },
    onEachFeature: function (feature, layer) {
      var p = feature.properties;
      byN[p.n] = layer;
      layer.bindTooltip(ParkAtlas.escapeHtml((p.code || '#' + p.n) + (p.name ? ' ' + p.name : '')),
                        {sticky: true});
      layer.on('click', function (e) {
        L.DomEvent.stopPropagation(e);
        chooseFeature(p.n, false);
      });
    }
  }).eachLayer(function (l) { featureLayer.addLayer(l); });
  map.getContainer().setAttribute('data-import-features', String(run.preview.features.length));
}

function showResult(view) {
  var report = view.report;
  var tbody = $('table').querySelector('tbody');
  tbody.replaceChildren();
  rowByN = {};
  problemsByN = {};
  chosenN = null;
  var problemList = $('problem-list');
  problemList.replaceChildren();
  if (!report) {
    $('counts').textContent = msg('crsFirst');
    $('problems').hidden = true;
    $('commit').disabled = true;
    drawFeatures();
    return;
  }
  report.problems.forEach(function (p) {
    (problemsByN[p.n] = problemsByN[p.n] || []).push(p.message);
    var item = el('li', null, p.message);
    item.setAttribute('data-n', String(p.n));
    item.setAttribute('data-kind', p.kind);
    selectable(item, p.n);
    problemList.appendChild(item);
  });
  $('problems').hidden = report.problems.length === 0;
  var props = {};
  var several = false;  // features from several CAD layers: a column names each one's
  (view.preview ? view.preview.features : []).forEach(function (f) {
    props[f.properties.n] = f.properties;
    several = several || Boolean(f.properties.source_layer);
  });
  $('layer-col').hidden = !several;
  report.rows.slice(0, TABLE_ROWS).forEach(function (r) {
    var p = props[r.n] || {};
    var row = el('tr');
    row.setAttribute('data-n', String(r.n));
    row.setAttribute('data-action', r.action);
    if (problemsByN[r.n]) { row.classList.add('pa-import-bad'); }
    row.appendChild(el('td', 'pa-num', r.n));
    row.appendChild(el('td', null, r.where));
    if (several) {
      var layerCell = el('td', 'pa-col-layer', p.source_layer || '');
      layerCell.setAttribute('data-layer', p.source_layer || '');
      row.appendChild(layerCell);
    }
    row.appendChild(el('td', null, r.code || ''));
    row.appendChild(el('td', 'pa-col-name', p.name || ''));
    row.appendChild(el('td', 'text-end pa-num',
      p.area_m2 === null || p.area_m2 === undefined ? '' :
        Number(p.area_m2).toLocaleString(cfg.lang === 'en' ? 'en' : 'zh-CN',
                                         {minimumFractionDigits: 2, maximumFractionDigits: 2})));
    row.appendChild(el('td', null, msg('action.' + r.action)));
    row.appendChild(el('td', 'pa-col-name', (r.reasons || []).join('; ')));
    selectable(row, r.n);
    rowByN[r.n] = row;
    tbody.appendChild(row);
  });
  var limited = $('limited');
  limited.hidden = report.rows.length <= TABLE_ROWS;
  limited.textContent = msg('tableLimited', {n: TABLE_ROWS, total: report.rows.length});
  $('counts').textContent = report.state === 'refused'
    ? msg('wouldRefuse', {n: Object.keys(problemsByN).length}) + ' ' + msg('refusedHint')
    : countsText(report.counts);
  $('commit').disabled = report.state === 'refused' || report.rows.length === 0;
  drawFeatures();
}

function show(view, fresh) {
  run = view;
  $('progress').hidden = true;
  $('work').hidden = false;
  $('report').hidden = true;
  $('upload').hidden = true;
  busy('');
  showSummary(view);
  showSource(view);
  showCrs(view);
  showMapping(view);
  showModes(view);
  showResult(view);
  panel.setAttribute('data-import', String(view.id));
  panel.setAttribute('data-views', String(++views));
  setState(view.crs_required ? 'crs' : 'preview');
  if (fresh || view.crs_required) { fitIncoming(view); }
}

function fitIncoming(view) {
  var bounds = featureLayer.getLayers().length ? featureLayer.getBounds()
    : candidateLayer.getLayers().length ? candidateLayer.getBounds() : null;
  if (bounds && bounds.isValid()) {
    map.fitBounds(bounds, {maxZoom: 17, padding: [30, 30], animate: false});
  }
}

// --- commit, report, cancel --------------------------------------------------------------

function askCommit() {
  if (!run || !run.report) { return; }
  $('confirm-body').textContent = msg('confirm', {
    file: run.file_name, layer: msg('layerName.' + run.layer),
    counts: countsText(run.report.counts)});
  $('confirm').showModal();
}

function commit() {
  var choices = {};
  var saveAs = $('save-as').value.trim();
  if (saveAs) { choices.save_mapping = saveAs; }
  clearError();
  busy(msg('importing'));
  $('commit').disabled = true;
  return request('POST', '/imports/' + run.id + '/commit', choices)
    .then(showReport)
    .catch(function (err) { $('commit').disabled = false; showError(err); });
}

function showReport(report) {
  busy('');
  $('work').hidden = true;
  $('report').hidden = false;
  candidateLayer.clearLayers();
  $('report-summary').textContent = msg('state.' + report.state, {file: run.file_name}) +
    (report.summary ? ' ' + report.summary : '');
  $('report-counts').textContent = countsText(report.counts);
  $('xlsx').href = String(apiUrl('/imports/' + report.id + '/report.xlsx'));
  $('csv').href = String(apiUrl('/imports/' + report.id + '/report.csv'));
  var tbody = $('report-table').querySelector('tbody');
  tbody.replaceChildren();
  report.rows.forEach(function (r) {
    var row = el('tr');
    row.setAttribute('data-n', String(r.n));
    row.setAttribute('data-action', r.action);
    row.appendChild(el('td', 'pa-num', r.n));
    row.appendChild(el('td', null, r.where));
    row.appendChild(el('td', null, r.code || ''));
    row.appendChild(el('td', null, msg('action.' + r.action)));
    row.appendChild(el('td', 'pa-col-name', (r.reasons || []).join('; ')));
    selectable(row, r.n);
    tbody.appendChild(row);
  });
  // The written features are the park's now: its layers are loaded again, and the preview
  // keeps only the outline of what was written (and the red of what was not).
  report.rows.forEach(function (r) {
    var layer = byN[r.n];
    if (!layer) { return; }
    layer.setStyle(r.action === 'inserted' || r.action === 'updated'
      ? {color: OK_STYLE.color, weight: 2, dashArray: '6 4', fillOpacity: 0} : BAD_STYLE);
  });
  setState(report.state);
  run = null;
  if (report.state === 'committed') { pa.loadAll(); }
}

function cancel() {
  if (!run) { return; }
  clearError();
  busy(msg('cancelling'));
  window.fetch(String(apiUrl('/imports/' + run.id)), {
    method: 'DELETE', credentials: 'same-origin',
    headers: {Accept: 'application/json', 'X-CSRFToken': csrfToken()}
  }).then(function (resp) {
    if (resp.status === 204) { reset('cancelled'); return null; }
    return resp.json().catch(function () { return null; }).then(function (body) {
      var err = new Error((body && body.error && body.error.message) ||
                          format(pa.msg('error.http'), {status: resp.status}));
      err.status = resp.status;
      err.error = body && body.error;
      throw err;
    });
  }).catch(function (err) { showError(err); });
}

function reset(state) {
  run = null;
  featureLayer.clearLayers();
  candidateLayer.clearLayers();
  $('work').hidden = true;
  $('report').hidden = true;
  $('upload').hidden = false;
  $('upload').reset();
  $('save-as').value = '';
  $('progress').hidden = true;
  busy('');
  panel.removeAttribute('data-import');
  setState(state || 'empty');
}

// --- wiring ------------------------------------------------------------------------------

fillEncodings();
$('zone-wrap').hidden = true;
$('upload').addEventListener('submit', upload);
$('source').addEventListener('change', function () {
  var picked = Array.prototype.filter.call($('source').options, function (o) {
    return o.selected;
  }).map(function (o) { return o.value; });
  if (picked.length) { choose({layer: picked.join(',')}); }
});
$('encoding').addEventListener('change', function () {
  choose({encoding: $('encoding').value || null});
});
function useEpsg() {
  var code = parseInt($('epsg').value, 10);
  if (code) { choose({crs: code}); }
}
$('epsg-use').addEventListener('click', useEpsg);
$('epsg').addEventListener('keydown', function (e) {
  if (e.key === 'Enter') { e.preventDefault(); useEpsg(); }
});
$('unit').addEventListener('change', function () { choose({mapping: mappingNow()}); });
$('load').addEventListener('click', function () {
  if ($('saved').value) { choose({mapping: null, mapping_name: $('saved').value}); }
});
document.querySelectorAll('input[name=treatment]').forEach(function (radio) {
  radio.addEventListener('change', function () { choose({treatment: radio.value}); });
});
$('mode').addEventListener('change', function () {
  var mode = $('mode').value;
  if (mode !== 'replace') { choose({mode: mode, zone: null}); return; }
  $('zone-wrap').hidden = false;
  loadZones().then(function () {
    choose({mode: mode, zone: $('zone').value || null});
  }).catch(function (err) { showError(err); });
});
$('zone').addEventListener('change', function () {
  choose({mode: 'replace', zone: $('zone').value});
});
$('commit').addEventListener('click', askCommit);
$('confirm').addEventListener('close', function () {
  if ($('confirm').returnValue === 'confirm') { commit(); }
});
$('cancel').addEventListener('click', cancel);
$('again').addEventListener('click', function () { reset('empty'); });
// The park map redraws its layers when the basemap switches between WGS84 and GCJ-02;
// the incoming features follow.
map.on('baselayerchange', function () {
  if (pa.gcj === drawnInGcj) { return; }
  drawnInGcj = pa.gcj;
  if (run) { drawFeatures(); showCrs(run); }
});
