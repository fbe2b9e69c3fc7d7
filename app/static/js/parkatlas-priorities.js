/*
 * ParkAtlas (园区一张图) — the infrastructure priority page (/priorities,
 * DESIGN §4.5: "which pipe or road unlocks the most land?").
 *
 * Beside the park map (ParkAtlas.current, coloured by readiness), loads
 * GET /api/v1/readiness/priority?park=&as_of= — the planned and
 * under-construction roads and network features, ranked — draws them on the
 * map and lists them in a sortable table. Selecting a row (or a segment on the
 * map) zooms to the segment and highlights the plots it would serve.
 */
import * as S from './parkatlas-status.js';
import ParkAtlas from './parkatlas-map.js';

const L = window.L;

var el = S.el;
var format = S.format;
var isBlank = S.isBlank;

var pa = ParkAtlas.current;
var msg = function (key) { return pa.msg(key); };
var lang = pa.locale;
var mu = S.numberFormat(lang, 2);
var integer = S.numberFormat(lang, 0);
var ROAD_COLOUR = '#555555';
var SELECTED_COLOUR = '#00bcd4';

var table = document.getElementById('pa-priority-table');
var summary = document.getElementById('pa-priority-summary');
var selectedBox = document.getElementById('pa-priority-selected');
var errorBox = document.getElementById('pa-priority-error');
var form = document.getElementById('pa-priority-form');
var asOfInput = document.getElementById('pa-priority-asof');

var state = {features: [], byKey: {}, rows: {}, selected: null};

function keyOf(props) { return String(props.kind) + ':' + String(props.feature_id); }

function utilityColour(utility) {
  return utility === 'road' ? ROAD_COLOUR : (ParkAtlas.utilityColours[utility] || ROAD_COLOUR);
}

function utilityLabel(utility) {
  return isBlank(utility) ? '—' : msg('utility.' + utility);
}

// ---- the map layer of planned segments (redrawn with the others on a GCJ-02 switch)

function segmentStyle(feature) {
  var p = feature.properties || {};
  var selected = state.selected === keyOf(p);
  if (selected) {
    return {color: SELECTED_COLOUR, weight: 8, opacity: 1, dashArray: null, lineCap: 'round'};
  }
  return {color: utilityColour(p.utility), weight: 4, opacity: state.selected ? 0.45 : 0.95,
    dashArray: '8 5', lineCap: 'butt'};
}

var pane = pa.map.getPane('pa-extra');
var layer = L.geoJSON(null, {
  pane: pane ? 'pa-extra' : 'overlayPane',
  coordsToLatLng: function (c) { return pa.coordsToLatLng(c); },
  style: segmentStyle,
  pointToLayer: function (feature, latlng) {
    var p = feature.properties || {};
    return L.circleMarker(latlng, {pane: pane ? 'pa-extra' : 'overlayPane', radius: 7,
      color: '#ffffff', weight: 2, fillColor: utilityColour(p.utility), fillOpacity: 0.9});
  },
  onEachFeature: function (feature, lyr) {
    var p = feature.properties || {};
    lyr.bindTooltip(function () {
      return el('span', null, '#' + p.rank + ' ' + (p.name || utilityLabel(p.utility)));
    }, {sticky: true, className: 'pa-plot-tooltip'});
    lyr.on('click', function (e) {
      L.DomEvent.stopPropagation(e);
      select(keyOf(p), {scroll: true});
    });
  }
});
// Registered as one of the map's layers so a basemap switch redraws it too.
pa.geo.priority = layer;
pa.data.priority = [];
var group = L.featureGroup([layer]).addTo(pa.map);
pa.layerControl.addOverlay(group, ParkAtlas.escapeHtml(msg('priority.layer')));

pa.addLegendSection(function (tools) {
  if (!pa.map.hasLayer(group)) { return; }
  var list = tools.section(msg('priority.layer'));
  list.appendChild(tools.item(tools.lineSwatch({color: ROAD_COLOUR, weight: 4, dashArray: '8 5'}),
    msg('legend.network.planned')));
  list.appendChild(tools.item(tools.lineSwatch({color: SELECTED_COLOUR, weight: 6}),
    msg('legend.selected_segment')));
  list.appendChild(tools.item(tools.fillSwatch('#ffffff', SELECTED_COLOUR),
    msg('legend.highlighted')));
});

// ---- the table

var COLUMNS = [
  {key: 'rank', type: 'number', cls: 'text-end pa-num'},
  {key: 'utility', type: 'text'},
  {key: 'name', type: 'text', cls: 'pa-col-name'},
  {key: 'status', type: 'text'},
  {key: 'planned_completion', type: 'text', cls: 'pa-date'},
  {key: 'plots_gained', type: 'number', cls: 'text-end pa-num'},
  {key: 'area_mu_gained', type: 'number', cls: 'text-end pa-num'},
  {key: 'newly_serviced', type: 'number', cls: 'text-end pa-num'},
  {key: 'newly_serviced_mu', type: 'number', cls: 'text-end pa-num'}
];

var sortColumns = {};
var head = el('thead', 'table-light');
var headRow = el('tr');
COLUMNS.forEach(function (col) {
  var th = el('th', col.type === 'number' ? 'text-end' : null, msg('priority.col.' + col.key));
  th.scope = 'col';
  th.setAttribute('data-sort', col.key);
  headRow.appendChild(th);
  sortColumns[col.key] = {type: col.type, value: function (p) {
    if (col.key === 'utility') { return utilityLabel(p.utility); }
    if (col.key === 'status') { return isBlank(p.status) ? null : msg('status.' + p.status); }
    return p[col.key];
  }};
});
head.appendChild(headRow);
table.appendChild(head);
table.appendChild(el('tbody'));

function renderRow(p) {
  var tr = el('tr');
  var key = keyOf(p);
  tr.setAttribute('data-key', key);
  tr.setAttribute('data-rank', String(p.rank));
  tr.tabIndex = 0;
  if (state.selected === key) { tr.classList.add('pa-selected'); }
  COLUMNS.forEach(function (col) {
    var td = el('td', col.cls || null);
    var v = p[col.key];
    if (col.key === 'utility') {
      var dot = el('span', 'pa-utility-dot');
      dot.style.backgroundColor = utilityColour(p.utility);
      td.appendChild(dot);
      td.appendChild(document.createTextNode(utilityLabel(p.utility)));
    } else if (col.key === 'status') {
      td.textContent = isBlank(v) ? '—' : msg('status.' + v);
    } else if (col.key === 'area_mu_gained' || col.key === 'newly_serviced_mu') {
      td.textContent = mu(v);
    } else if (col.type === 'number') {
      td.textContent = integer(v);
    } else {
      td.textContent = isBlank(v) ? '—' : String(v);
    }
    tr.appendChild(td);
  });
  tr.addEventListener('click', function () { select(key, {}); });
  tr.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      select(key, {});
    }
  });
  state.rows[key] = tr;
  return tr;
}

var sorter = new S.SortableTable(table, sortColumns, renderRow,
  {key: 'rank', dir: 'asc', locale: lang});

// ---- selection

function layerOf(key) {
  var found = null;
  layer.eachLayer(function (lyr) {
    if (lyr.feature && keyOf(lyr.feature.properties || {}) === key) { found = lyr; }
  });
  return found;
}

/** Select a segment: restyle, zoom to it and the plots it serves, highlight those. */
function select(key, options) {
  var feature = state.byKey[key];
  if (!feature) { return Promise.resolve(null); }
  var p = feature.properties || {};
  state.selected = key;
  layer.setStyle(segmentStyle);
  Object.keys(state.rows).forEach(function (k) {
    state.rows[k].classList.toggle('pa-selected', k === key);
    state.rows[k].setAttribute('aria-selected', k === key ? 'true' : 'false');
  });
  if (options && options.scroll && state.rows[key]) {
    state.rows[key].scrollIntoView({block: 'nearest'});
  }
  var segment = layerOf(key);
  if (segment && segment.bringToFront) { segment.bringToFront(); }
  selectedBox.textContent = format(msg('priority.selected'), {
    name: p.name || utilityLabel(p.utility), count: integer(p.plots_gained),
    area: mu(p.area_mu_gained), utility: utilityLabel(p.utility)});
  selectedBox.hidden = false;
  pa.container.setAttribute('data-selected-segment', key);
  return pa.highlightPlots(p.plot_ids || []).then(function (plots) {
    if (state.selected !== key) { return plots; }
    var bounds = null;
    if (segment) {
      bounds = segment.getBounds ? L.latLngBounds(segment.getBounds().getSouthWest(),
        segment.getBounds().getNorthEast()) : L.latLngBounds([segment.getLatLng()]);
    }
    plots.forEach(function (plot) {
      bounds = bounds ? bounds.extend(plot.getBounds()) : L.latLngBounds(
        plot.getBounds().getSouthWest(), plot.getBounds().getNorthEast());
    });
    if (bounds && bounds.isValid()) {
      pa.map.fitBounds(bounds, {padding: [30, 30], maxZoom: 18, animate: false});
    }
    pa.container.setAttribute('data-segment-plots', String(plots.length));
    return plots;
  });
}

// ---- loading

function showError(text) {
  errorBox.textContent = text || '';
  errorBox.hidden = !text;
}

function load() {
  var api = new URL(pa.cfg.api + '/readiness/priority', window.location.href);
  api.searchParams.set('park', String(pa.cfg.park.id));
  if (pa.asOf) { api.searchParams.set('as_of', pa.asOf); }
  summary.textContent = msg('loading');
  return S.fetchJson(api.toString(), {login: pa.cfg.urls.login, httpError: msg('error.http'),
    networkError: msg('error.network')}).then(function (fc) {
    var features = ((fc && fc.features) || []).filter(function (f) { return f && f.properties; });
    features.forEach(function (f, i) {
      if (isBlank(f.properties.rank)) { f.properties.rank = i + 1; }
      state.byKey[keyOf(f.properties)] = f;
    });
    state.features = features;
    pa.data.priority = features.filter(function (f) { return f.geometry; });
    pa.drawLayer('priority');
    sorter.setRows(features.map(function (f) { return f.properties; }));
    // The date is the server's: the park's today (park_today(), its time zone), never
    // the browser's clock.
    var evaluated = (fc && fc.evaluated_on) || pa.asOf ||
      (features[0] && features[0].properties.evaluated_on) || '';
    summary.textContent = features.length ? format(msg('priority.count'),
      {count: features.length, date: evaluated}) : msg('priority.empty');
    table.setAttribute('data-loaded', 'true');
  }).catch(function (err) {
    if (err instanceof S.AuthRedirect) { return; }
    // A whole park's ranking for another date may take minutes the first time (503
    // `computing`, app/answers.py): say so and ask again when the server says it is due.
    if (err.status === 503 && err.error && err.error.code === 'computing') {
      summary.textContent = err.message;
      table.setAttribute('data-loaded', 'computing');
      window.setTimeout(load, 1000 * ((err.error.details || {}).retry_after || 10));
      return;
    }
    summary.textContent = '';
    showError(format(msg('error.load'), {layer: msg('priority.title'),
      message: (err && err.message) || String(err)}));
    table.setAttribute('data-loaded', 'error');
  });
}

// The date reloads the page: the map's plots are evaluated on it too.
form.addEventListener('submit', function (e) {
  var value = asOfInput.value;
  if (value && !/^\d{4}-\d{2}-\d{2}$/.test(value)) { e.preventDefault(); }
});

// Readiness is what a segment changes: colour the plots by it unless ?view= says otherwise.
if (!new URLSearchParams(window.location.search).get('view')) { pa.setPlotView('readiness'); }
// Project outlines and an open legend would hide the plots a segment serves.
if (pa.groups.projects && pa.map.hasLayer(pa.groups.projects)) {
  pa.map.removeLayer(pa.groups.projects);
}
var legendToggle = pa.container.querySelector('.pa-legend-toggle');
if (legendToggle && legendToggle.getAttribute('aria-expanded') === 'true') { legendToggle.click(); }
ParkAtlas.whenLoaded(pa).then(load);

window.ParkAtlasPriorities = {select: select, load: load, layer: layer, state: state};
