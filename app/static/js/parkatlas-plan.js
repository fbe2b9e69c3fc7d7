/*
 * The plan page (/plans/<id>): draws the plan's plots with the red line over the
 * park map (ParkAtlas.current), and lets a planner change them:
 *  - "Pick plots": clicks on the map pick the plot under the pointer (the clicked
 *    feature, else looked up through GET /api/v1/plots?bbox=<point>); "Add picked" /
 *    "Remove picked" send PATCH /api/v1/plans/<id> with {add: {codes}} or {remove: codes};
 *  - a drawn polygon (Leaflet.draw) adds the plots more than half inside it
 *    (PATCH with {add: {polygon}}).
 * The server decides (versions, checks); the page reloads to show the result.
 * Text from the data is set with textContent or escaped, never parsed as HTML.
 *
 * Coordinates: the API speaks lon/lat (CGCS2000); while the Gaode basemap is shown the
 * park map draws in GCJ-02 (pa.gcj), so features are drawn through pa.coordsToLatLng
 * and clicked or drawn positions are turned back to lon/lat (map/picking.js).
 */
import {AuthRedirect, fetchJson} from './http.js';
import ParkAtlas from './parkatlas-map.js';
import {
  addPolygonTool, clickedFeature, headLegend, paneAbove, toData as mapToData
} from './map/picking.js';

const L = window.L;

var cfg = JSON.parse(document.getElementById('pa-plan-config').textContent);
var pa = ParkAtlas.current;
/** A UI string of this page (app/ui_messages.py, key plan.<key>). */
function msg(key) { return pa.msg('plan.' + key); }
var map = pa.map;
// The red line and the picked plots get panes above the park's overlay panes
// (parkatlas-map.js nests those in overlayPane with z-index 410-460); in the plain
// overlayPane they would be drawn underneath the plot fills, out of sight.
var planPane = paneAbove(map, 'pa-plan', 470);
var pickPane = paneAbove(map, 'pa-plan-pick', 480);
var planRenderer = L.svg({pane: planPane});
var pickRenderer = L.svg({pane: pickPane});
var planLayer = L.featureGroup().addTo(map);
var pickLayer = L.featureGroup().addTo(map);
var planData = null;  // the plan's plots as the API sent them (lon/lat)
var inPlan = {};      // code -> true
var picked = {};      // code -> feature (lon/lat)
var picking = false;
var drawnInGcj = pa.gcj;

pa.layerControl.addOverlay(planLayer, ParkAtlas.escapeHtml(msg('layer')));
// The red line (and the picked plots' blue) head the map's legend: they are what
// this page is about.
headLegend(pa, planLayer, 'plan', msg('legendTitle'), [
  ['rgba(227, 0, 27, 0.12)', '#e3001b', '2px', msg('layer')]
].concat(cfg.editable ? [['rgba(51, 136, 255, 0.25)', '#0d6efd', '2px', msg('pickedLegend')]]
                      : []));

function toDisplay(coords) { return pa.coordsToLatLng(coords); }

function toData(latlng) { return mapToData(pa, latlng); }

function apiUrl(path, params) {
  var url = new URL(cfg.api + path, window.location.href);
  Object.keys(params || {}).forEach(function (k) { url.searchParams.set(k, params[k]); });
  return url;
}

function getJson(url) {
  return fetchJson(url, {login: pa.cfg.urls.login, httpError: pa.msg('error.http'),
    networkError: pa.msg('error.network')});
}

function showError(err) {
  if (err instanceof AuthRedirect) { return; }
  var message = err && err.message !== undefined ? err.message : String(err);
  var box = document.getElementById('pa-plan-error');
  if (!box) { return; }
  box.textContent = msg('error') + ' ' + message;
  box.hidden = false;
}

function drawPlan() {
  planLayer.clearLayers();
  if (!planData) { return; }
  L.geoJSON(planData, {
    pane: planPane, renderer: planRenderer, coordsToLatLng: toDisplay,
    style: {color: '#e3001b', weight: 3, fillColor: '#e3001b', fillOpacity: 0.12},
    onEachFeature: function (feature, layer) {
      layer.bindTooltip(ParkAtlas.escapeHtml(feature.properties.code), {sticky: true});
    }
  }).eachLayer(function (l) { planLayer.addLayer(l); });
}

function pickStyle(code) {
  return {color: '#0d6efd', weight: 3, dashArray: inPlan[code] ? '6 4' : null,
          fillOpacity: 0.25};
}

function drawPicked() {
  pickLayer.clearLayers();
  Object.keys(picked).forEach(function (code) {
    L.geoJSON(picked[code], {pane: pickPane, renderer: pickRenderer,
      coordsToLatLng: toDisplay, style: pickStyle(code)}).addTo(pickLayer);
  });
}

function loadPlan() {
  return getJson(apiUrl('/plans/' + cfg.id + '/plots', {version: cfg.versionNo}))
    .then(function (fc) {
      planData = fc;
      inPlan = {};
      fc.features.forEach(function (f) { inPlan[f.properties.code] = true; });
      drawPlan();
      map.getContainer().setAttribute('data-plan-plots', String(fc.features.length));
      if (fc.features.length) { map.fitBounds(planLayer.getBounds(), {padding: [20, 20]}); }
    })
    .catch(showError);
}

// The park map redraws its layers when the basemap switches between WGS84 and
// GCJ-02 (its handler runs first); the plan's layers follow.
map.on('baselayerchange', function () {
  if (pa.gcj === drawnInGcj) { return; }
  drawnInGcj = pa.gcj;
  drawPlan();
  drawPicked();
});

function updatePicked() {
  var codes = Object.keys(picked);
  var adds = codes.filter(function (c) { return !inPlan[c]; });
  var removes = codes.filter(function (c) { return inPlan[c]; });
  var label = document.getElementById('pa-plan-picked');
  label.textContent = codes.length ? msg('picked').replace('{n}', codes.length) + ': ' +
    codes.join(', ') : '';
  label.setAttribute('data-codes', codes.join(' '));
  document.getElementById('pa-plan-add').disabled = adds.length === 0;
  document.getElementById('pa-plan-remove').disabled = removes.length === 0;
}

function toggleFeature(feature) {
  var code = feature.properties.code;
  if (picked[code]) {
    delete picked[code];
  } else {
    picked[code] = {type: 'Feature', geometry: feature.geometry,
                    properties: {code: code}};
  }
  drawPicked();
  updatePicked();
}

/** Pick or unpick the plot at a map position (looked up through the API). */
function togglePick(latlng) {
  var d = 1e-7;
  var at = toData(latlng);
  var url = apiUrl('/plots', {park: cfg.parkId, limit: 5,
    bbox: [at[0] - d, at[1] - d, at[0] + d, at[1] + d].join(',')});
  return getJson(url).then(function (fc) {
    fc.features.slice(0, 1).forEach(toggleFeature);
  }).catch(showError);
}

/**
 * A click while picking (map/picking.js: once, whichever layer sees it first). A clicked
 * feature with a code and a geometry (park plot, red line, picked plot) is used as it
 * is; elsewhere the plot under the pointer is asked of the API.
 */
function onPickClick(e) {
  if (!picking) { return; }
  var feature = clickedFeature(map, e, function (p) { return p.code; });
  if (feature) {
    toggleFeature(feature);
  } else if (feature === null) {
    togglePick(e.latlng);
  }
}

function setBusy(busy) {
  ['pa-plan-add', 'pa-plan-remove', 'pa-plan-pick-toggle'].forEach(function (id) {
    var button = document.getElementById(id);
    if (button && busy) { button.disabled = true; }
  });
  if (!busy) {
    document.getElementById('pa-plan-pick-toggle').disabled = false;
    updatePicked();
  }
}

function patch(change) {
  var body = Object.assign({version: cfg.version}, change);
  setBusy(true);
  return fetchJson(apiUrl('/plans/' + cfg.id), {
    method: 'PATCH', body: body, login: pa.cfg.urls.login,
    httpError: pa.msg('error.http'), networkError: pa.msg('error.network')
  }).then(function () {
    var here = new URL(window.location.href);
    here.searchParams.delete('version');  // the edit made the current version
    here.hash = '';
    window.location.assign(here.toString());
  }).catch(function (e) {
    if (e instanceof AuthRedirect) { return; }
    setBusy(false);
    showError(e);
  });
}

if (cfg.editable) {
  var toggle = document.getElementById('pa-plan-pick-toggle');
  toggle.addEventListener('click', function () {
    picking = !picking;
    toggle.setAttribute('aria-pressed', String(picking));
    L.DomUtil[picking ? 'addClass' : 'removeClass'](map.getContainer(), 'pa-picking');
  });
  [pa.geo && pa.geo.plots, planLayer, pickLayer, map].forEach(function (target) {
    if (target) { target.on('click', onPickClick); }
  });
  map.on('popupopen', function () { if (picking) { map.closePopup(); } });
  document.getElementById('pa-plan-add').addEventListener('click', function () {
    patch({add: {codes: Object.keys(picked).filter(function (c) { return !inPlan[c]; })}});
  });
  document.getElementById('pa-plan-remove').addEventListener('click', function () {
    patch({remove: Object.keys(picked).filter(function (c) { return inPlan[c]; })});
  });
  // While drawing, a click finishes a vertex, not a pick.
  addPolygonTool(pa, msg, msg('drawPolygon'), function () {
    if (picking) { toggle.click(); }
  }, function (polygon) { patch({add: {polygon: polygon}}); });
}

// Submit, approve, a new version and delete ask first: static/js/plan-confirm.js.

ParkAtlas.whenLoaded(pa).then(loadPlan);
window.ParkAtlasPlan = {config: cfg, planLayer: planLayer, togglePick: togglePick,
                        picked: picked, patch: patch};
