/*
 * The project page (/projects/<id>), issue 12 items 2 and 3.
 *
 * The map: the park map (ParkAtlas.current, plots coloured by stage, flags or readiness
 * as on the main map, with its legend) with the project's plots outlined over it
 * (GET /api/v1/projects/<id>/plots). A planner marks plots: with "Mark plots" on, a
 * click adds or removes the plot under the pointer; a drawn polygon (Leaflet.draw) adds
 * the plots mostly inside it (POST /api/v1/projects/<id>/plots/inside: more than half of
 * a plot's area, computed in PostGIS in the park's GK CRS). The panel lists the selected
 * codes and the occupied area (m², 亩: the API's GK areas, summed). "Save plots" sends the
 * selection at the project's version (PUT .../plots); conflicts (double claim, zoning,
 * use) come back as warnings with the plot codes, and the planner changes the selection
 * or saves anyway with a reason. A stale version is refused by the server (409).
 *
 * The charts (ECharts, served from vendor/): the milestones as a timeline (planned and
 * actual dates per stage), the progress reports against the straight line from planned
 * 开工 to planned 竣工, and the investment completed against planned.
 *
 * Every text from the data is set with textContent (or escaped where Leaflet and
 * ECharts take HTML); UI strings come from the map config's messages (app/ui_messages.py).
 */
import {AuthRedirect, fetchJson} from './http.js';
import ParkAtlas from './parkatlas-map.js';
import {
  addPolygonTool, clickedFeature, headLegend, paneAbove, toData as mapToData
} from './map/picking.js';

const L = window.L;

var cfg = JSON.parse(document.getElementById('pa-project-config').textContent);
var pa = ParkAtlas.current;
var map = pa.map;
var locale = pa.cfg.lang === 'en' ? 'en' : 'zh-CN';

function msg(key, values) {
  return String(pa.msg('project.' + key)).replace(/\{(\w+)\}/g, function (all, k) {
    return values && Object.prototype.hasOwnProperty.call(values, k) ? String(values[k]) : all;
  });
}

function number(value, digits) {
  return Number(value).toLocaleString(locale, {minimumFractionDigits: digits,
                                               maximumFractionDigits: digits});
}

function el(tag, className, text) {
  var node = document.createElement(tag);
  if (className) { node.className = className; }
  if (text !== undefined && text !== null) { node.textContent = String(text); }
  return node;
}

function apiUrl(path, params) {
  var url = new URL(cfg.api + '/projects/' + cfg.id + path, window.location.href);
  Object.keys(params || {}).forEach(function (k) {
    if (params[k] !== null && params[k] !== undefined) { url.searchParams.set(k, params[k]); }
  });
  return url;
}

function request(url, options) {
  return fetchJson(url, Object.assign({login: pa.cfg.urls.login,
    httpError: pa.msg('error.http'), networkError: pa.msg('error.network')}, options || {}));
}

// ---------------------------------------------------------------- the map

var savedPane = paneAbove(map, 'pa-project', 470);
var pickPane = paneAbove(map, 'pa-project-pick', 480);
var savedRenderer = L.svg({pane: savedPane});
var pickRenderer = L.svg({pane: pickPane});
var savedLayer = L.featureGroup().addTo(map);
var pickLayer = L.featureGroup().addTo(map);
var saved = {};     // id -> feature, as saved
var selected = {};  // id -> feature, as the planner marks them
var marking = false;
var busy = false;
var drawnInGcj = pa.gcj;

pa.layerControl.addOverlay(savedLayer, ParkAtlas.escapeHtml(msg('layer')));
headLegend(pa, savedLayer, 'project', msg('layer'), [
  ['rgba(0, 0, 0, 0)', '#c2185b', '3px', msg('layer')]
].concat(cfg.editable ? [['rgba(13, 110, 253, 0.3)', '#0d6efd', '2px', msg('selectedLegend')]]
                      : []));

function toDisplay(coords) { return pa.coordsToLatLng(coords); }

function plotFeature(feature) {
  var p = feature.properties || {};
  return {type: 'Feature', id: p.id, geometry: feature.geometry,
          properties: {id: p.id, code: p.code, name: p.name, area_m2: Number(p.area_m2) || 0,
                       stage: p.stage, flags: p.flags}};
}

function tooltipText(p) {
  return ParkAtlas.escapeHtml([p.code, p.name].filter(Boolean).join(' '));
}

/** The saved plots: outlined (their fill is the park map's, coloured by the chosen view). */
function drawSaved() {
  savedLayer.clearLayers();
  Object.keys(saved).forEach(function (id) {
    L.geoJSON(saved[id], {pane: savedPane, renderer: savedRenderer, coordsToLatLng: toDisplay,
      style: {color: '#c2185b', weight: 3.5, fill: false},
      onEachFeature: function (f, layer) {
        layer.bindTooltip(tooltipText(f.properties), {sticky: true});
      }}).eachLayer(function (l) { savedLayer.addLayer(l); });
  });
}

/** The changes not saved yet: plots to add filled blue, plots to remove dashed. */
function drawPicked() {
  pickLayer.clearLayers();
  var all = Object.assign({}, saved, selected);
  Object.keys(all).forEach(function (id) {
    var adding = selected[id] && !saved[id];
    var removing = saved[id] && !selected[id];
    if (!adding && !removing) { return; }
    L.geoJSON(all[id], {pane: pickPane, renderer: pickRenderer, coordsToLatLng: toDisplay,
      interactive: false,
      style: adding ? {color: '#0d6efd', weight: 2.5, fillColor: '#0d6efd', fillOpacity: 0.3}
                    : {color: '#6c757d', weight: 2.5, dashArray: '6 4', fillOpacity: 0}
    }).addTo(pickLayer);
  });
}

function changes() {
  var added = Object.keys(selected).filter(function (id) { return !saved[id]; });
  var removed = Object.keys(saved).filter(function (id) { return !selected[id]; });
  return {added: added, removed: removed};
}

/** The panel: the selected codes, their number and area (m², 亩), what is not saved. */
function updatePanel() {
  var ids = Object.keys(selected).sort(function (a, b) {
    return String(selected[a].properties.code).localeCompare(String(selected[b].properties.code));
  });
  var m2 = ids.reduce(function (sum, id) { return sum + selected[id].properties.area_m2; }, 0);
  var summary = document.getElementById('pa-marking-summary');
  summary.textContent = ids.length ? msg('summary', {count: ids.length, m2: number(m2, 1),
    mu: number(m2 * 15 / 10000, 2)}) : msg('none');
  summary.setAttribute('data-area-m2', m2.toFixed(2));
  summary.setAttribute('data-count', String(ids.length));
  var list = document.getElementById('pa-marking-codes');
  list.replaceChildren();
  var diff = changes();
  ids.concat(diff.removed).forEach(function (id) {
    var f = selected[id] || saved[id];
    var item = el('li', 'pa-marking-code');
    item.setAttribute('data-plot-id', id);
    item.appendChild(el('strong', null, f.properties.code));
    if (f.properties.name) { item.appendChild(document.createTextNode(' ' + f.properties.name)); }
    item.appendChild(document.createTextNode(' · ' + number(f.properties.area_m2, 1) + ' m²'));
    if (!saved[id]) {
      item.appendChild(el('span', 'badge text-bg-primary ms-1', msg('added')));
    } else if (!selected[id]) {
      item.classList.add('text-decoration-line-through', 'text-muted');
      item.appendChild(el('span', 'badge text-bg-secondary ms-1', msg('removed')));
    }
    list.appendChild(item);
  });
  var dirty = diff.added.length + diff.removed.length > 0;
  var save = document.getElementById('pa-marking-save');
  if (save) {
    save.disabled = busy || !dirty;
    document.getElementById('pa-marking-reset').disabled = busy || !dirty;
    save.title = dirty ? msg('unsaved', {added: diff.added.length,
                                         removed: diff.removed.length}) : '';
  }
  map.getContainer().setAttribute('data-project-plots', String(Object.keys(saved).length));
}

function showError(err) {
  if (err instanceof AuthRedirect) { return; }
  var box = document.getElementById('pa-marking-error');
  if (!box) { return; }
  box.textContent = msg('error') + ' ' + (err && err.message !== undefined ? err.message : err);
  box.hidden = false;
}

function clearMessages() {
  ['pa-marking-error', 'pa-marking-warnings'].forEach(function (id) {
    var box = document.getElementById(id);
    if (box) { box.hidden = true; }
  });
}

function loadPlots() {
  return request(apiUrl('/plots', {as_of: cfg.asOf})).then(function (fc) {
    saved = {};
    fc.features.forEach(function (f) { saved[f.id] = plotFeature(f); });
    selected = Object.assign({}, saved);
    cfg.version = fc.version;
    drawSaved();
    drawPicked();
    updatePanel();
    if (fc.features.length) { map.fitBounds(savedLayer.getBounds(), {padding: [30, 30]}); }
    map.getContainer().setAttribute('data-project-loaded', 'true');
  }).catch(showError);
}

map.on('baselayerchange', function () {
  if (pa.gcj === drawnInGcj) { return; }
  drawnInGcj = pa.gcj;
  drawSaved();
  drawPicked();
});

function toggle(feature) {
  var f = plotFeature(feature);
  if (!f.properties.id) { return; }
  if (selected[f.properties.id]) {
    delete selected[f.properties.id];
  } else {
    selected[f.properties.id] = saved[f.properties.id] || f;
  }
  clearMessages();
  drawPicked();
  updatePanel();
}

/** Toggle the plot at a map position (asked of the API: the plots layer's feature). */
function toggleAt(latlng) {
  var d = 1e-7;
  var at = mapToData(pa, latlng);
  return request(new URL(cfg.api + '/plots?' + new URLSearchParams({
    park: cfg.parkId, limit: 1, bbox: [at[0] - d, at[1] - d, at[0] + d, at[1] + d].join(',')
  }), window.location.href)).then(function (fc) {
    fc.features.slice(0, 1).forEach(toggle);
  }).catch(showError);
}

/** A click while marking (map/picking.js: once, whichever layer sees it first): the
 * park plot clicked, else the plot under the pointer asked of the API. */
function onMarkClick(e) {
  if (!marking || busy) { return; }
  var feature = clickedFeature(map, e, function (p) {
    return p.id && p.area_m2 !== undefined;
  });
  if (feature) {
    toggle(feature);
  } else if (feature === null) {
    toggleAt(e.latlng);
  }
}

function setBusy(value) {
  busy = value;
  updatePanel();
}

function save(reason) {
  setBusy(true);
  clearMessages();
  return request(apiUrl('/plots'), {method: 'PUT', body: {
    version: cfg.version, plot_ids: Object.keys(selected).map(Number), reason: reason || null
  }}).then(function () {
    window.location.reload();
  }).catch(function (err) {
    setBusy(false);
    if (err instanceof AuthRedirect) { return; }
    if (err.status === 422 && err.error && err.error.code === 'plot_conflicts') {
      showWarnings(err.error);
    } else {
      showError(err);
    }
  });
}

/** The conflict warnings, each naming its plot (and the other projects), as text. */
function showWarnings(error) {
  var box = document.getElementById('pa-marking-warnings');
  document.getElementById('pa-marking-warnings-title').textContent = error.message;
  var list = document.getElementById('pa-marking-warning-list');
  list.replaceChildren();
  ((error.details || {}).warnings || []).forEach(function (w) {
    var item = el('li', 'pa-marking-warning', w.message);
    item.setAttribute('data-kind', w.kind);
    item.setAttribute('data-plot-code', w.plot_code);
    list.appendChild(item);
  });
  box.hidden = false;
  document.getElementById('pa-marking-reason').focus();
}

/** A drawn polygon (lon/lat) adds the plots mostly inside it (the server decides which). */
function addInside(polygon) {
  clearMessages();
  return request(apiUrl('/plots/inside'), {method: 'POST', body: {
    polygon: polygon}}).then(function (fc) {
    fc.features.forEach(function (f) {
      if (!selected[f.id]) { selected[f.id] = saved[f.id] || plotFeature(f); }
    });
    drawPicked();
    updatePanel();
  }).catch(showError);
}

function initMarking() {
  var button = document.getElementById('pa-marking-toggle');
  button.addEventListener('click', function () {
    marking = !marking;
    button.setAttribute('aria-pressed', String(marking));
    button.classList.toggle('active', marking);
    L.DomUtil[marking ? 'addClass' : 'removeClass'](map.getContainer(), 'pa-picking');
  });
  [pa.geo && pa.geo.plots, savedLayer, map].forEach(function (target) {
    if (target) { target.on('click', onMarkClick); }
  });
  map.on('popupopen', function () { if (marking) { map.closePopup(); } });
  document.getElementById('pa-marking-save').addEventListener('click', function () {
    save(null);
  });
  document.getElementById('pa-marking-force').addEventListener('click', function () {
    save(document.getElementById('pa-marking-reason').value);
  });
  document.getElementById('pa-marking-reset').addEventListener('click', function () {
    selected = Object.assign({}, saved);
    clearMessages();
    drawPicked();
    updatePanel();
  });
  addPolygonTool(pa, function (key) { return pa.msg('plan.' + key); }, msg('drawPolygon'),
                 function () { if (marking) { button.click(); } }, addInside);
}

// ---------------------------------------------------------------- the charts

var STAGE_ORDER = cfg.stageOrder;  // (a JSON object's keys come sorted by name)
var charts = [];

function day(iso) { return iso ? new Date(iso + 'T00:00:00Z').getTime() : null; }

function today() {
  return day(cfg.asOf || cfg.today);
}

function chart(id) {
  var node = document.getElementById(id);
  var instance = window.echarts.init(node, null, {renderer: 'svg', locale: locale === 'en' ? 'EN' : 'ZH'});
  charts.push(instance);
  return instance;
}

function empty(id, text) {
  var node = document.getElementById(id);
  node.classList.add('pa-chart-empty');
  node.replaceChildren(el('p', 'text-muted small mb-0', text));
}

var DATE_AXIS = {type: 'time', axisLabel: {hideOverlap: true, formatter: '{yyyy}-{MM}-{dd}'}};

/** Milestones as a timeline: per stage a planned and an actual date, a line between
 * them when late (red) or early (green), today marked. */
function timelineChart() {
  var rows = cfg.milestones.filter(function (m) { return m.planned_on || m.actual_on; });
  if (!rows.length) { return empty('pa-chart-timeline', msg('noMilestones')); }
  rows.sort(function (a, b) { return STAGE_ORDER.indexOf(a.stage) - STAGE_ORDER.indexOf(b.stage); });
  var names = rows.map(function (m) { return cfg.stages[m.stage]; });
  var now = today();
  var gaps = rows.map(function (m, i) {
    var end = m.actual_on ? day(m.actual_on) : (m.planned_on && day(m.planned_on) < now ? now : null);
    if (!m.planned_on || end === null) { return null; }
    return {value: [day(m.planned_on), end, i],
            late: end > day(m.planned_on)};
  }).filter(Boolean);
  chart('pa-chart-timeline').setOption({
    animation: false,
    grid: {left: 60, right: 20, top: 30, bottom: 30},
    legend: {top: 0, data: [msg('planned'), msg('actual')]},
    tooltip: {trigger: 'item', renderMode: 'richText'},
    xAxis: DATE_AXIS,
    yAxis: {type: 'category', data: names, inverse: true},
    series: [
      {type: 'custom', silent: true, data: gaps.map(function (g) { return g.value.concat(g.late ? 1 : 0); }),
       renderItem: function (params, api) {
         var a = api.coord([api.value(0), api.value(2)]);
         var b = api.coord([api.value(1), api.value(2)]);
         return {type: 'line', shape: {x1: a[0], y1: a[1], x2: b[0], y2: b[1]},
                 style: {stroke: api.value(3) ? '#dc3545' : '#198754', lineWidth: 3, opacity: 0.6}};
       }, encode: {x: [0, 1], y: 2}},
      {name: msg('planned'), type: 'scatter', symbol: 'emptyCircle', symbolSize: 12,
       itemStyle: {color: '#6c757d'},
       data: rows.map(function (m, i) { return m.planned_on ? [day(m.planned_on), i, m.planned_on] : null; })
         .filter(Boolean),
       tooltip: {formatter: function (p) { return names[p.value[1]] + ' ' + msg('planned') + ' ' + p.value[2]; }}},
      {name: msg('actual'), type: 'scatter', symbol: 'circle', symbolSize: 12,
       itemStyle: {color: '#0d6efd'},
       data: rows.map(function (m, i) { return m.actual_on ? [day(m.actual_on), i, m.actual_on] : null; })
         .filter(Boolean),
       tooltip: {formatter: function (p) { return names[p.value[1]] + ' ' + msg('actual') + ' ' + p.value[2]; }},
       markLine: {silent: true, symbol: 'none', lineStyle: {color: '#dc3545', type: 'dashed'},
                  label: {formatter: msg('today')}, data: [{xAxis: now}]}}
    ]
  });
}

/** Progress: the straight line 0 % at planned 开工 to 100 % at planned 竣工 against the
 * reported percentages (the rule of the black flag, DESIGN §4.7). */
function progressChart() {
  var by = {};
  cfg.milestones.forEach(function (m) { by[m.stage] = m; });
  var start = by.started && by.started.planned_on;
  var end = by.completed && by.completed.planned_on;
  var reports = cfg.progress.slice().sort(function (a, b) {
    return a.reported_on < b.reported_on ? -1 : 1;
  });
  if (!reports.length && !(start && end)) { return empty('pa-chart-progress', msg('noLine')); }
  var series = [];
  if (start && end && end > start) {
    series.push({name: msg('line'), type: 'line', symbol: 'none', lineStyle: {type: 'dashed'},
                 itemStyle: {color: '#6c757d'}, data: [[day(start), 0], [day(end), 100]]});
  }
  series.push({name: msg('reported'), type: 'line', symbolSize: 7, itemStyle: {color: '#0d6efd'},
               data: reports.map(function (r) { return [day(r.reported_on), r.progress_pct]; })});
  chart('pa-chart-progress').setOption({
    animation: false,
    grid: {left: 45, right: 20, top: 30, bottom: 30},
    legend: {top: 0},
    tooltip: {trigger: 'axis', renderMode: 'richText', valueFormatter: function (v) {
      return number(v, 1) + ' %';
    }},
    xAxis: DATE_AXIS,
    yAxis: {type: 'value', min: 0, max: 100, axisLabel: {formatter: '{value} %'}},
    series: series
  });
}

/** Investment completed against planned (万元), as a gauge of the share. */
function investmentChart() {
  var planned = Number(cfg.plannedInvestment);
  if (!planned) { return empty('pa-chart-investment', msg('noInvestment')); }
  var done = Number(cfg.completedInvestment) || 0;
  var share = 100 * done / planned;
  chart('pa-chart-investment').setOption({
    animation: false,
    series: [{type: 'gauge', min: 0, max: 100, radius: '78%', center: ['50%', '50%'],
      progress: {show: true, width: 14}, axisLine: {lineStyle: {width: 14}},
      axisTick: {show: false}, splitLine: {length: 8}, axisLabel: {distance: 18, fontSize: 10},
      pointer: {show: false},
      title: {offsetCenter: [0, '105%'], fontSize: 11, lineHeight: 16},
      detail: {valueAnimation: false, offsetCenter: [0, '10%'], fontSize: 20,
               formatter: function () { return number(share, 1) + ' %'; }},
      // the arc stops at 100 %; the figure says how far beyond the plan it went
      data: [{value: Math.min(share, 100), name: msg('completedInvestment') + ' ' +
        number(done, 0) + '\n' + msg('plannedInvestment') + ' ' + number(planned, 0) + ' ' +
        msg('investmentUnit')}]}]
  });
  document.getElementById('pa-chart-investment').setAttribute('data-share', share.toFixed(2));
}

function initCharts() {
  if (!window.echarts) { return; }
  timelineChart();
  progressChart();
  investmentChart();
  window.addEventListener('resize', function () {
    charts.forEach(function (c) { c.resize(); });
  });
}

initCharts();
if (cfg.editable) { initMarking(); }
updatePanel();
ParkAtlas.whenLoaded(pa).then(loadPlots);
window.ParkAtlasProject = {config: cfg, toggleAt: toggleAt, addInside: addInside,
                           charts: charts, selectedIds: function () {
                             return Object.keys(selected).map(Number);
                           }};
