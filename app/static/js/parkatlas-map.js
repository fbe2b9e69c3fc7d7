/*
 * ParkAtlas (园区一张图) — map page behaviour.
 *
 * app/maps.py renders the Leaflet map with Folium (empty overlay groups, a
 * layer control, fullscreen and measure controls) and then calls
 *
 *     ParkAtlas.init(map, groups, layerControl, config)
 *
 * This file fills the groups from the JSON API (GeoJSON, EPSG:4326), styles
 * them, and adds the legend, plot search, zoom-to-park and basemap switcher.
 * Plots can be coloured by lifecycle stage, status flags (idle, low efficiency,
 * conflicts) or infrastructure readiness (七通一平), picked in the legend; a
 * plot's popup shows its flags with their reasons and its readiness, loaded
 * from /plots/<id>. The page URL may carry ?plot=<id> (open that plot),
 * ?view=stage|flags|readiness and ?as_of=YYYY-MM-DD (evaluate on that date).
 * Shared status helpers live in parkatlas-status.js (loaded first).
 *
 * Rules kept here:
 *  - every user-facing string comes from config.messages (the server's i18n);
 *    the English texts below are only a fallback;
 *  - API strings never reach innerHTML: popups, tooltips and the legend are
 *    built with textContent, and names Leaflet inserts as HTML are escaped;
 *  - the default basemap is "none": no request leaves the app's host until
 *    the user picks an online basemap;
 *  - areas come from the API (computed in the park's Gauss-Krüger CRS), never
 *    from the browser.
 */
import {AuthRedirect, fetchJson} from './http.js';
import * as Status from './parkatlas-status.js';

const L = window.L;

// Shared with the status pages (parkatlas-status.js, loaded first).
var sortFlags = Status.sortFlags;

// ---------------------------------------------------------------- helpers

/** Escape text for the few places Leaflet inserts a string as HTML. */
function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, function (c) {
    return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
  });
}

// DOM and message helpers shared with the status pages (parkatlas-status.js).
var el = Status.el;
var format = Status.format;
var isBlank = Status.isBlank;

var SVG_NS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs) {
  var node = document.createElementNS(SVG_NS, tag);
  Object.keys(attrs || {}).forEach(function (key) {
    if (attrs[key] !== undefined && attrs[key] !== null) { node.setAttribute(key, attrs[key]); }
  });
  return node;
}

// ---------------------------------------------------------------- GCJ-02

/*
 * WGS84/CGCS2000 -> GCJ-02 ("Mars coordinates") used by Gaode tiles. This is
 * the standard public-domain approximation (Krasovsky ellipsoid constants);
 * it is used for display only, never for stored data.
 */
var Gcj02 = (function () {
  var A = 6378245.0;
  var EE = 0.00669342162296594323;
  var PI = Math.PI;

  function outOfChina(lng, lat) {
    return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271;
  }

  function transformLat(x, y) {
    var r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2.0 / 3.0;
    r += (160.0 * Math.sin(y / 12.0 * PI) + 320.0 * Math.sin(y * PI / 30.0)) * 2.0 / 3.0;
    return r;
  }

  function transformLng(x, y) {
    var r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2.0 / 3.0;
    r += (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI)) * 2.0 / 3.0;
    return r;
  }

  /** [lng, lat] in WGS84 -> [lng, lat] in GCJ-02 (unchanged outside China). */
  function fromWgs84(lng, lat) {
    if (outOfChina(lng, lat)) { return [lng, lat]; }
    var dLat = transformLat(lng - 105.0, lat - 35.0);
    var dLng = transformLng(lng - 105.0, lat - 35.0);
    var radLat = lat / 180.0 * PI;
    var magic = Math.sin(radLat);
    magic = 1 - EE * magic * magic;
    var sqrtMagic = Math.sqrt(magic);
    dLat = (dLat * 180.0) / ((A * (1 - EE)) / (magic * sqrtMagic) * PI);
    dLng = (dLng * 180.0) / (A / sqrtMagic * Math.cos(radLat) * PI);
    return [lng + dLng, lat + dLat];
  }

  /** Inverse by fixed-point iteration (sub-metre after a few steps). */
  function toWgs84(lng, lat) {
    var x = lng;
    var y = lat;
    for (var i = 0; i < 5; i++) {
      var g = fromWgs84(x, y);
      x -= g[0] - lng;
      y -= g[1] - lat;
    }
    return [x, y];
  }

  return {fromWgs84: fromWgs84, toWgs84: toWgs84};
}());

// ---------------------------------------------------------------- styling

// Stage order and colours come from the server (app/labels.py, config.stages and
// config.stageColours): one palette for the map, the plot page and the plan page.
var STAGE_COLOURS = {};
var UNKNOWN_COLOUR = '#bdbdbd';

// Conventional pipeline colours (CJJ 61): water sky-blue, drainage brown,
// power red, telecom green, gas pink, heat orange.
var UTILITY_COLOURS = {
  water: '#1f8fff',
  drainage: '#8b5a2b',
  power: '#e31a1c',
  telecom: '#2ca25f',
  gas: '#e754a0',
  heat: '#ff9900'
};

var ROAD_WEIGHTS = {arterial: 7, secondary: 5, branch: 3};

function roadStyle(props) {
  var w = ROAD_WEIGHTS[props['class']];
  if (!w) {
    var width = Number(props.width_m);
    w = isFinite(width) && width > 0 ? Math.max(2, Math.min(8, width / 6)) : 3;
  }
  if (props.status === 'under_construction') {
    return {color: '#f28c28', weight: w, opacity: 0.95, dashArray: (2 * w) + ' ' + (1.5 * w),
      lineCap: 'butt'};
  }
  if (props.status === 'planned') {
    return {color: '#8c8c8c', weight: w, opacity: 0.9, dashArray: '1 ' + (1.8 * w),
      lineCap: 'round'};
  }
  return {color: '#3b3b3b', weight: w, opacity: 0.9, lineCap: 'round'};
}

function networkStyle(props) {
  var colour = UTILITY_COLOURS[props.utility] || '#555555';
  var style = {color: colour, weight: 2.5, opacity: 0.95};
  if (props.status !== 'in_service') { style.dashArray = '7 5'; }
  return style;
}

// ---- status flags (DESIGN §4.2–4.4) ----

// Colour classes of the flags view, most severe first: a plot takes the first
// class that applies. Keep in step with the .pa-flag-badge colours in parkatlas-map.css.
var FLAG_CLASSES = ['reclaim_due', 'idle', 'idle_government', 'idle_warning',
  'low_efficiency', 'conflict', 'none'];
var HATCH_GOVERNMENT = 'pa-hatch-government';
var FLAG_CLASS_COLOURS = {
  reclaim_due: '#67000d',
  idle: '#e31a1c',
  idle_government: 'url(#' + HATCH_GOVERNMENT + ')',  // red hatching on pink
  idle_warning: '#fd8d3c',
  low_efficiency: '#8e63b8',
  conflict: '#2f7fc1',
  none: '#ececec'
};
// What the legend shows for the hatched class (an SVG pattern cannot fill a span).
var FLAG_CLASS_SWATCHES = {
  idle_government: 'repeating-linear-gradient(45deg, #e31a1c 0 2px, #fcbba1 2px 6px)'
};
var DISPOSED_OUTLINE = {color: '#111111', weight: 2.6, opacity: 1, dashArray: '6 3'};
/** The colour class of a plot in the flags view; null when it was not evaluated. */
function flagClass(props) {
  var flags = props.flags;
  if (!Array.isArray(flags)) { return null; }
  var has = {};
  flags.forEach(function (f) { has[f] = true; });
  if (has.reclaim_due) { return 'reclaim_due'; }
  if (has.idle || has.idle_a || has.idle_b || has.government_cause) {
    return has.government_cause ? 'idle_government' : 'idle';
  }
  if (has.idle_warning) { return 'idle_warning'; }
  if (has.low_efficiency) { return 'low_efficiency'; }
  if (has.zoning_conflict || has.use_conflict || has.double_claim) { return 'conflict'; }
  return 'none';
}

// ---- infrastructure readiness (DESIGN §4.5) ----

// Serviced land (熟地: road + water + power + levelled) in greens by its trade
// name; land that is not serviced in yellows to greys by its level (the count of
// available utilities plus levelled); raw land (生地, level 0) grey.
var SERVICED_CLASSES = ['serviced_7', 'serviced_5', 'serviced_3'];
var SERVICED_NAMES = {serviced_7: '七通一平', serviced_5: '五通一平', serviced_3: '三通一平'};
var READINESS_COLOURS = {
  serviced_7: '#006d2c',
  serviced_5: '#31a354',
  serviced_3: '#a1d99b',
  level_7: '#f2c12e',
  level_6: '#f6cf55',
  level_5: '#f9dc7c',
  level_4: '#fce8a4',
  level_3: '#eee7c3',
  level_2: '#dfdbc7',
  level_1: '#cfccc2',
  level_0: '#9a9a9a'
};
var READINESS_STATE_ICONS = {
  available: 'fa-solid fa-circle-check',
  planned: 'fa-solid fa-clock',
  missing: 'fa-solid fa-circle-xmark'
};

/** The colour class of a plot in the readiness view; null when it was not evaluated. */
function readinessClass(props) {
  var level = Number(props.level);
  if (isBlank(props.level) || !isFinite(level)) { return null; }
  if (props.serviced) {
    var name = String(props.level_name || '');
    if (name === SERVICED_NAMES.serviced_7 || level >= 8) { return 'serviced_7'; }
    if (name === SERVICED_NAMES.serviced_5) { return 'serviced_5'; }
    return 'serviced_3';
  }
  return 'level_' + Math.max(0, Math.min(7, Math.round(level)));
}

/** How many loaded plots fall in each class of classify(props). */
function countBy(ctx, classify) {
  var counts = {};
  ((ctx.map && ctx.map.data.plots) || []).forEach(function (f) {
    var key = classify(f.properties || {});
    counts[key] = (counts[key] || 0) + 1;
  });
  return counts;
}

/*
 * Thematic views of the plot layer: each entry styles a plot from its
 * properties and describes its own legend (items {id, label, fill, count,
 * pattern, stroke, dashArray} or {heading}). More views may register with
 * ParkAtlas.registerPlotView(id, view); a view may have prepare(ctx) ->
 * Promise to load extra data before it is applied.
 */
var PLOT_VIEWS = {
  stage: {
    title: 'view.stage',
    style: function (props) {
      return {fillColor: STAGE_COLOURS[props.stage] || UNKNOWN_COLOUR};
    },
    legend: function (ctx) {
      var counts = countBy(ctx, function (p) { return p.stage; });
      return ctx.stages.map(function (stage) {
        return {id: stage, label: ctx.msg('stage.' + stage),
          fill: STAGE_COLOURS[stage] || UNKNOWN_COLOUR, count: counts[stage] || 0};
      });
    }
  },
  flags: {
    title: 'view.flags',
    style: function (props) {
      var cls = flagClass(props);
      var style = {fillColor: cls ? FLAG_CLASS_COLOURS[cls] : UNKNOWN_COLOUR};
      if (cls === 'none') { style.fillOpacity = 0.55; }
      if (Array.isArray(props.flags) && props.flags.indexOf('idle_disposed') >= 0) {
        L.extend(style, DISPOSED_OUTLINE);
      }
      return style;
    },
    legend: function (ctx) {
      var counts = countBy(ctx, function (p) { return flagClass(p) || 'unknown'; });
      var disposed = countBy(ctx, function (p) {
        return Array.isArray(p.flags) && p.flags.indexOf('idle_disposed') >= 0;
      });
      var items = FLAG_CLASSES.map(function (cls) {
        return {id: cls, label: ctx.msg('flag_class.' + cls), count: counts[cls] || 0,
          fill: FLAG_CLASS_COLOURS[cls], pattern: FLAG_CLASS_SWATCHES[cls]};
      });
      items.push({id: 'idle_disposed', label: ctx.msg('legend.disposed'),
        count: disposed['true'] || 0, fill: '#ffffff', stroke: DISPOSED_OUTLINE.color,
        dashed: true});
      if (counts.unknown) {
        items.push({id: 'unknown', label: ctx.msg('legend.not_evaluated'),
          count: counts.unknown, fill: UNKNOWN_COLOUR});
      }
      return items;
    }
  },
  readiness: {
    title: 'view.readiness',
    style: function (props) {
      var cls = readinessClass(props);
      return {fillColor: cls ? READINESS_COLOURS[cls] : UNKNOWN_COLOUR};
    },
    legend: function (ctx) {
      var counts = countBy(ctx, function (p) { return readinessClass(p) || 'unknown'; });
      // The English names of the serviced classes, as the plots carry them.
      var names = {};
      ((ctx.map && ctx.map.data.plots) || []).forEach(function (f) {
        var p = f.properties || {};
        var cls = readinessClass(p);
        if (cls && p.serviced && !names[cls] && !isBlank(p.level_name_en)) {
          names[cls] = p.level_name_en;
        }
      });
      var items = [{heading: ctx.msg('legend.serviced')}];
      SERVICED_CLASSES.forEach(function (cls) {
        var label = SERVICED_NAMES[cls];
        if (ctx.map.locale === 'en' && names[cls]) { label += ' · ' + names[cls]; }
        items.push({id: cls, label: label, fill: READINESS_COLOURS[cls],
          count: counts[cls] || 0});
      });
      items.push({heading: ctx.msg('legend.not_serviced')});
      for (var level = 7; level >= 1; level--) {
        var cls = 'level_' + level;
        if (!counts[cls]) { continue; }
        // By count only: the level's names (e.g. 四通一平, 五通) are in the popups.
        items.push({id: cls, label: format(ctx.msg('legend.level'), {level: level}),
          fill: READINESS_COLOURS[cls], count: counts[cls]});
      }
      items.push({id: 'level_0', label: ctx.msg('legend.raw_land'),
        fill: READINESS_COLOURS.level_0, count: counts.level_0 || 0});
      if (counts.unknown) {
        items.push({id: 'unknown', label: ctx.msg('legend.not_evaluated'),
          count: counts.unknown, fill: UNKNOWN_COLOUR});
      }
      return items;
    }
  }
};
var PLOT_BASE_STYLE = {color: '#5f5f5f', weight: 0.8, opacity: 0.9, fillOpacity: 0.72};
var PLOT_HOVER_STYLE = {color: '#111111', weight: 2.5};
// Plots picked out by highlightPlots (e.g. those a planned segment would serve);
// while some are, the others fade.
var PLOT_HIGHLIGHT_STYLE = {color: '#00bcd4', weight: 3, opacity: 1, fillOpacity: 0.9,
  dashArray: null};
var PLOT_FADED_STYLE = {fillOpacity: 0.28, opacity: 0.5};

// Overlay stacking, bottom to top (panes nested in Leaflet's overlayPane).
var PANES = {plots: 410, zones: 420, projects: 430, roads: 440, networks: 450, extra: 460};

// English fallbacks; the server normally sends every key in config.messages.
var FALLBACK_MESSAGES = {
  'loading.progress': 'Loading map data… ({done}/{total})',
  'error.load': 'Could not load {layer}: {message}',
  'search.not_found': 'No plot found with code “{code}”.',
  'legend.count': '{label} ({count})'
};

// ---------------------------------------------------------------- the map

function ParkMap(map, groups, layerControl, config) {
  this.map = map;
  this.groups = groups || {};
  this.layerControl = layerControl;
  this.cfg = config;
  this.container = map.getContainer();
  this.locale = config.locale === 'en' ? 'en' : 'zh-CN';
  this.stages = config.stages || [];
  L.extend(STAGE_COLOURS, config.stageColours || {});
  this.utilities = config.utilities || Object.keys(UTILITY_COLOURS);
  this.gcj = false;
  this.plotView = 'stage';
  this.data = {};
  this.geo = {};
  this.plotLayers = {};
  this.errors = [];
  this.redirecting = false;
  this.numberFormats = {};
  this.details = {};
  this.highlighted = null;
  // ?as_of=YYYY-MM-DD evaluates the plots' status on another date; ?plot=<id>
  // opens that plot once the map has loaded; ?view= picks the plot view.
  var params = new URLSearchParams(window.location.search);
  var asOf = config.asOf || params.get('as_of');
  this.asOf = /^\d{4}-\d{2}-\d{2}$/.test(asOf || '') ? asOf : null;
  var focus = config.focusPlot || params.get('plot');
  this.focusPlotId = /^\d+$/.test(String(focus || '')) ? String(focus) : null;
  var view = config.plotView || params.get('view');
  if (view && PLOT_VIEWS[view]) { this.plotView = view; }
}

ParkMap.prototype.msg = function (key) {
  var messages = this.cfg.messages || {};
  if (!isBlank(messages[key])) { return messages[key]; }
  return FALLBACK_MESSAGES[key] || key;
};

ParkMap.prototype.start = function () {
  this.container.classList.add('pa-map');
  this.container.setAttribute('data-loaded', 'false');
  this.createPanes();
  this.createGeoLayers();
  L.control.scale({imperial: false, position: 'bottomleft'}).addTo(this.map);
  this.addZoomToPark();
  this.addSearch();
  this.addBasemaps();
  this.addLegend();
  this.addStatusBox();
  this.map.fitBounds(this.parkBounds(), {animate: false});
  // Project names crowd the whole-park view: show them from a closer zoom.
  var self = this;
  var labelZoom = this.cfg.projectLabelZoom || 16;
  var toggleLabels = function () {
    self.container.classList.toggle('pa-hide-project-labels', self.map.getZoom() < labelZoom);
  };
  this.map.on('zoomend', toggleLabels);
  toggleLabels();
  this.addPatterns();
  this.container.setAttribute('data-plot-view', this.plotView);
  this.loadAll().then(function () {
    if (self.focusPlotId) { self.focusPlot(self.focusPlotId); }
  });
  return this;
};

/** SVG fill patterns the plot styles name as url(#id) (hatching), defined once per page. */
ParkMap.prototype.addPatterns = function () {
  if (document.getElementById(HATCH_GOVERNMENT)) { return; }
  var root = svg('svg', {width: 0, height: 0, 'class': 'pa-svg-defs', 'aria-hidden': 'true',
    focusable: 'false'});
  var defs = svg('defs');
  var pattern = svg('pattern', {id: HATCH_GOVERNMENT, patternUnits: 'userSpaceOnUse',
    width: 8, height: 8, patternTransform: 'rotate(45)'});
  pattern.appendChild(svg('rect', {width: 8, height: 8, fill: '#fcbba1'}));
  pattern.appendChild(svg('line', {x1: 1.5, y1: 0, x2: 1.5, y2: 8, stroke: '#e31a1c',
    'stroke-width': 3}));
  defs.appendChild(pattern);
  root.appendChild(defs);
  document.body.appendChild(root);
};

ParkMap.prototype.createPanes = function () {
  var overlayPane = this.map.getPane('overlayPane');
  var map = this.map;
  Object.keys(PANES).forEach(function (name) {
    var pane = map.createPane('pa-' + name, overlayPane);
    pane.style.zIndex = String(PANES[name]);
  });
};

/** The [lng, lat] -> LatLng hook; shifts to GCJ-02 while Gaode is shown. */
ParkMap.prototype.coordsToLatLng = function (coords) {
  if (this.gcj) {
    var p = Gcj02.fromWgs84(coords[0], coords[1]);
    return L.latLng(p[1], p[0]);
  }
  return L.latLng(coords[1], coords[0]);
};

ParkMap.prototype.toDisplay = function (lng, lat) {
  return this.coordsToLatLng([lng, lat]);
};

ParkMap.prototype.parkBounds = function () {
  var b = this.cfg.park.bbox;
  return L.latLngBounds(this.toDisplay(b[0], b[1]), this.toDisplay(b[2], b[3]));
};

ParkMap.prototype.createGeoLayers = function () {
  var self = this;
  var coords = function (c) { return self.coordsToLatLng(c); };

  if (this.groups.zones) {
    this.geo.zones = L.geoJSON(null, {
      pane: 'pa-zones',
      coordsToLatLng: coords,
      style: function () {
        return {color: '#1c4e9c', weight: 2.5, opacity: 0.9, dashArray: '12 6', fill: false};
      },
      onEachFeature: function (feature, layer) { self.bindZone(feature, layer); }
    }).addTo(this.groups.zones);
  }
  if (this.groups.plots) {
    this.geo.plots = L.geoJSON(null, {
      pane: 'pa-plots',
      coordsToLatLng: coords,
      style: function (feature) { return self.plotStyle(feature); },
      onEachFeature: function (feature, layer) { self.bindPlot(feature, layer); }
    }).addTo(this.groups.plots);
  }
  if (this.groups.projects) {
    this.geo.projects = L.geoJSON(null, {
      pane: 'pa-projects',
      coordsToLatLng: coords,
      style: function () {
        return {color: '#6a1b9a', weight: 3, opacity: 0.95, fill: false};
      },
      onEachFeature: function (feature, layer) { self.bindProject(feature, layer); }
    }).addTo(this.groups.projects);
  }
  if (this.groups.roads) {
    this.geo.roads = L.geoJSON(null, {
      pane: 'pa-roads',
      coordsToLatLng: coords,
      style: function (feature) { return roadStyle(feature.properties || {}); },
      onEachFeature: function (feature, layer) { self.bindRoad(feature, layer); }
    }).addTo(this.groups.roads);
  }
  this.utilities.forEach(function (utility) {
    var group = self.groups['network.' + utility];
    if (!group) { return; }
    self.geo['network.' + utility] = L.geoJSON(null, {
      pane: 'pa-networks',
      coordsToLatLng: coords,
      style: function (feature) { return networkStyle(feature.properties || {}); },
      pointToLayer: function (feature, latlng) {
        var props = feature.properties || {};
        var inService = props.status === 'in_service';
        return L.circleMarker(latlng, {
          pane: 'pa-networks',
          radius: 6,
          color: '#ffffff',
          weight: 1.5,
          fillColor: UTILITY_COLOURS[props.utility] || '#555555',
          fillOpacity: inService ? 0.95 : 0.45,
          dashArray: inService ? null : '3 2'
        });
      },
      onEachFeature: function (feature, layer) { self.bindNetwork(feature, layer); }
    }).addTo(group);
  });
};

// ---------------------------------------------------------------- loading

ParkMap.prototype.apiUrl = function (path, params) {
  var url = new URL(this.cfg.api + path, window.location.href);
  Object.keys(params || {}).forEach(function (key) {
    if (!isBlank(params[key])) { url.searchParams.set(key, params[key]); }
  });
  return url.toString();
};

/** GET a JSON document (http.js: a 401 redirects to the login page). */
ParkMap.prototype.fetchJson = function (url) {
  return fetchJson(url, {login: this.cfg.urls.login, httpError: this.msg('error.http'),
    networkError: this.msg('error.network')});
};

/** Fetch every page of a FeatureCollection, following links rel=next. */
ParkMap.prototype.fetchAll = function (url) {
  var self = this;
  var features = [];
  var seen = {};
  var origin = window.location.origin;

  function page(pageUrl) {
    seen[pageUrl] = true;
    return self.fetchJson(pageUrl).then(function (fc) {
      var batch = (fc && fc.features) || [];
      for (var i = 0; i < batch.length; i++) { features.push(batch[i]); }
      var next = null;
      (fc.links || []).forEach(function (link) {
        if (link && link.rel === 'next' && link.href) { next = link.href; }
      });
      if (next) {
        next = new URL(next, pageUrl);
      } else if (typeof fc.numberMatched === 'number' && batch.length > 0 &&
                 features.length < fc.numberMatched) {
        // No link but more matched: page on with limit/offset.
        next = new URL(pageUrl);
        next.searchParams.set('offset', String(features.length));
      }
      // Only follow same-origin pages (the session cookie and the offline
      // promise both stop at this host), and never loop.
      if (next && next.origin === origin && batch.length > 0 && !seen[next.toString()]) {
        return page(next.toString());
      }
      return features;
    });
  }
  return page(url);
};

ParkMap.prototype.loadAll = function () {
  var self = this;
  var park = this.cfg.park.id;
  var pageSize = this.cfg.pageSize || 5000;
  var jobs = [];
  var networkKeys = this.utilities.filter(function (u) { return self.geo['network.' + u]; });

  if (this.geo.zones) {
    jobs.push({key: 'zones', label: 'layer.zones', url: this.apiUrl('/zones', {park: park})});
  }
  if (this.geo.plots) {
    jobs.push({key: 'plots', label: 'layer.plots',
      url: this.apiUrl('/plots', {park: park, limit: pageSize, as_of: this.asOf})});
  }
  if (this.geo.projects) {
    jobs.push({key: 'projects', label: 'layer.projects',
      url: this.apiUrl('/projects', {park: park})});
  }
  if (this.geo.roads) {
    jobs.push({key: 'roads', label: 'layer.roads', url: this.apiUrl('/roads', {park: park})});
  }
  if (networkKeys.length) {
    // One request for all utilities, split here.
    jobs.push({key: 'networks', label: 'legend.networks',
      url: this.apiUrl('/networks', {park: park})});
  }

  var done = 0;
  this.showLoading(done, jobs.length);
  return Promise.all(jobs.map(function (job) {
    return self.fetchAll(job.url).then(function (features) {
      self.setData(job.key, features);
    }).catch(function (err) {
      if (err instanceof AuthRedirect) { return; }
      var message = (err && err.message) || String(err);
      self.errors.push(format(self.msg('error.load'), {layer: self.msg(job.label),
        message: message}));
    }).then(function () {
      done += 1;
      self.showLoading(done, jobs.length);
    });
  })).then(function () {
    self.hideLoading();
    if (self.errors.length) { self.showError(self.errors); }
    self.container.setAttribute('data-loaded', self.errors.length ? 'error' : 'true');
    self.map.fire('parkatlas:loaded', {errors: self.errors.slice()});
  });
};

ParkMap.prototype.setData = function (key, features) {
  var self = this;
  var usable = features.filter(function (f) { return f && f.geometry; });
  if (key === 'networks') {
    this.utilities.forEach(function (u) {
      if (!self.geo['network.' + u]) { return; }
      self.data['network.' + u] = usable.filter(function (f) {
        return f.properties && f.properties.utility === u;
      });
      self.drawLayer('network.' + u);
    });
    return;
  }
  this.data[key] = usable;
  this.drawLayer(key);
  if (key === 'plots') {
    this.container.setAttribute('data-plot-count', String(usable.length));
    this.updateLegend();  // the legend counts the plots of each class
  }
};

ParkMap.prototype.drawLayer = function (key) {
  var geo = this.geo[key];
  if (!geo) { return; }
  if (key === 'plots') { this.plotLayers = {}; }
  geo.clearLayers();
  if (this.data[key] && this.data[key].length) { geo.addData(this.data[key]); }
};

// ---------------------------------------------------------------- popups

ParkMap.prototype.number = function (value, decimals) {
  var n = Number(value);
  if (isBlank(value) || !isFinite(n)) { return '—'; }
  if (!this.numberFormats[decimals]) {
    this.numberFormats[decimals] = new Intl.NumberFormat(this.locale, {
      minimumFractionDigits: decimals, maximumFractionDigits: decimals
    });
  }
  return this.numberFormats[decimals].format(n);
};

/** A popup body: a title and a table of [label, value] rows (values as text or nodes). */
function popupBody(className, title, subtitle, rows) {
  var root = el('div', 'pa-popup ' + className);
  var head = el('div', 'pa-popup-title', title);
  if (!isBlank(subtitle)) { head.appendChild(el('span', 'pa-popup-subtitle', subtitle)); }
  root.appendChild(head);
  var table = el('table', 'pa-popup-table');
  var body = el('tbody');
  rows.forEach(function (row) {
    if (row === null) { return; }
    var tr = el('tr');
    tr.appendChild(el('th', null, row[0]));
    var td = el('td');
    var value = row[1];
    if (value instanceof window.Node) {
      td.appendChild(value);
    } else {
      td.textContent = isBlank(value) ? '—' : String(value);
    }
    tr.appendChild(td);
    body.appendChild(tr);
  });
  table.appendChild(body);
  root.appendChild(table);
  return root;
}

function joinNonBlank(parts, sep) {
  return parts.filter(function (p) { return !isBlank(p); }).join(sep);
}

ParkMap.prototype.stageCell = function (stage) {
  var cell = el('span', 'pa-popup-stage');
  var swatch = el('span', 'pa-swatch pa-swatch-fill');
  swatch.style.backgroundColor = STAGE_COLOURS[stage] || UNKNOWN_COLOUR;
  cell.appendChild(swatch);
  cell.appendChild(document.createTextNode(isBlank(stage) ? '—' : this.msg('stage.' + stage)));
  return cell;
};

ParkMap.prototype.plotPopup = function (feature, layer) {
  var p = feature.properties || {};
  var id = isBlank(p.id) ? feature.id : p.id;
  var area = el('div', 'pa-area');
  area.appendChild(el('div', 'pa-area-m2', this.number(p.area_m2, 2) + ' ' + this.msg('unit.m2')));
  area.appendChild(el('div', 'pa-area-mu', this.number(p.area_mu, 4) + ' ' + this.msg('unit.mu')));
  area.appendChild(el('div', 'pa-area-ha', this.number(p.area_ha, 4) + ' ' + this.msg('unit.ha')));
  var root = popupBody('pa-popup-plot', p.code, p.name, [
    [this.msg('field.code'), p.code],
    [this.msg('field.name'), p.name],
    [this.msg('field.stage'), this.stageCell(p.stage)],
    [this.msg('field.area'), area],
    [this.msg('field.land_class'), joinNonBlank([p.land_class, p.land_class_name], ' ')],
    [this.msg('field.planned_use'), p.planned_use],
    [this.msg('field.owner'), p.owner],
    [this.msg('field.zone'), p.zone]
  ]);
  // Status flags with their reasons and the readiness table come from the
  // plot's own document (/plots/<id>): shown as they arrive.
  var status = el('div', 'pa-popup-status');
  root.appendChild(status);
  if (!isBlank(id)) {
    var self = this;
    var link = el('a', 'pa-popup-link', this.msg('popup.details'));
    link.href = String(this.cfg.urls.plot || '/plots/{id}')
      .replace('{id}', encodeURIComponent(String(id)));
    var footer = el('div', 'pa-popup-footer');
    footer.appendChild(link);
    root.appendChild(footer);
    var cached = this.details[this.detailKey(id)];
    if (cached && cached.feature) {
      this.fillStatus(status, cached.feature.properties || {});
    } else {
      this.fillStatus(status, p, true);
      this.plotDetail(id).then(function (detail) {
        self.fillStatus(status, detail.properties || {});
      }, function (err) {
        if (err instanceof AuthRedirect) { return; }
        self.fillStatus(status, p, false, (err && err.message) || String(err));
      }).then(function () { relayoutPopup(layer, root); });
    }
  }
  return root;
};

/*
 * Resize and re-pan an open popup whose content grew. Popup.update() would call
 * the content function again (a new fetch); this is the rest of what it does.
 */
function relayoutPopup(layer, node) {
  var popup = layer && layer.getPopup && layer.getPopup();
  if (!popup || !popup.isOpen() || !popup.getElement() || !popup.getElement().contains(node)) {
    return;
  }
  if (typeof popup._updateLayout === 'function') { popup._updateLayout(); }
  if (typeof popup._updatePosition === 'function') { popup._updatePosition(); }
  if (typeof popup._adjustPan === 'function') { popup._adjustPan(); }
}

ParkMap.prototype.detailKey = function (id) {
  return String(id) + '@' + (this.asOf || '');
};

/** The plot Feature with its status and readiness (cached per plot and date). */
ParkMap.prototype.plotDetail = function (id) {
  var key = this.detailKey(id);
  var entry = this.details[key];
  if (!entry) {
    entry = this.details[key] = {};
    entry.promise = this.fetchJson(this.apiUrl('/plots/' + encodeURIComponent(String(id)),
      {as_of: this.asOf})).then(function (feature) {
      entry.feature = feature;
      return feature;
    }, function (err) {
      delete this.details[key];
      throw err;
    }.bind(this));
  }
  return entry.promise;
};

ParkMap.prototype.flagBadge = function (flag) {
  var self = this;
  return Status.flagBadge(function (key) { return self.msg(key); }, flag);
};

/**
 * Fill a popup's status part from plot properties: the flags as badges, each
 * reason as a sentence, and the seven-utility readiness table. `loading` marks
 * list properties (flags only) while the plot's document is on its way.
 */
ParkMap.prototype.fillStatus = function (box, props, loading, error) {
  var self = this;
  while (box.firstChild) { box.removeChild(box.firstChild); }
  var status = props.status || {};
  var flags = Array.isArray(status.flags) ? status.flags : props.flags;
  var evaluated = status.evaluated_on || props.evaluated_on;
  if (!Array.isArray(flags) && !loading && !props.readiness && !error) { return; }

  var head = el('div', 'pa-popup-section', this.msg('popup.status'));
  if (!isBlank(evaluated)) {
    head.appendChild(el('span', 'pa-popup-asof',
      format(this.msg('popup.as_of'), {date: evaluated})));
  }
  box.appendChild(head);
  if (Array.isArray(flags)) {
    if (flags.length) {
      var badges = el('div', 'pa-flag-badges');
      sortFlags(flags).forEach(function (flag) { badges.appendChild(self.flagBadge(flag)); });
      box.appendChild(badges);
    } else {
      box.appendChild(el('div', 'pa-popup-muted', this.msg('popup.no_flags')));
    }
  }
  var reasons = Array.isArray(status.reasons) ? status.reasons : [];
  if (reasons.length) { box.appendChild(Status.reasonList(this.cfg.locale, reasons)); }
  if (loading) {
    var wait = el('div', 'pa-popup-muted pa-popup-loading');
    wait.appendChild(el('span', 'pa-spinner'));
    wait.appendChild(el('span', null, this.msg('popup.loading_status')));
    box.appendChild(wait);
  }
  if (error) { box.appendChild(el('div', 'pa-popup-error', error)); }
  if (props.readiness) { box.appendChild(this.readinessTable(props.readiness)); }
};

/** The seven utilities of 七通一平 and site levelling as a compact table. */
ParkMap.prototype.readinessTable = function (readiness) {
  var self = this;
  var wrap = el('div', 'pa-readiness');
  var head = el('div', 'pa-popup-section', this.msg('popup.readiness'));
  var name = this.localLevelName(readiness);
  if (!isBlank(name)) {
    var level = el('span', 'pa-level-badge' + (readiness.serviced ? ' pa-level-serviced' : ''),
      name);
    level.title = this.msg(readiness.serviced ? 'popup.serviced' : 'popup.not_serviced');
    head.appendChild(level);
  }
  wrap.appendChild(head);
  var table = el('table', 'pa-readiness-table');
  var body = el('tbody');
  var utilities = readiness.utilities || {};
  var order = this.cfg.readinessUtilities ||
    ['road', 'water', 'drainage', 'power', 'telecom', 'gas', 'heat'];
  order.forEach(function (utility) {
    var u = utilities[utility] || {};
    var state = isBlank(u.state) ? 'missing' : String(u.state);
    var tr = el('tr', 'pa-readiness-' + state);
    tr.setAttribute('data-utility', utility);
    tr.appendChild(el('th', null, self.msg('utility.' + utility)));
    var cell = el('td', 'pa-readiness-state');
    var icon = el('i', READINESS_STATE_ICONS[state] || 'fa-solid fa-circle-question');
    icon.setAttribute('aria-hidden', 'true');
    cell.appendChild(icon);
    cell.appendChild(document.createTextNode(' ' + self.msg('readiness.state.' + state)));
    tr.appendChild(cell);
    var note = '';
    if (state === 'planned' && !isBlank(u.planned_date)) {
      note = format(self.msg('readiness.planned_on'), {date: u.planned_date});
    } else if (state === 'missing' && !isBlank(u.distance_m)) {
      note = format(self.msg('readiness.distance'), {distance: self.number(u.distance_m, 0)});
    }
    tr.appendChild(el('td', 'pa-readiness-note', note));
    body.appendChild(tr);
  });
  if (!isBlank(readiness.levelled)) {
    var tr = el('tr', readiness.levelled ? 'pa-readiness-available' : 'pa-readiness-missing');
    tr.setAttribute('data-utility', 'levelled');
    tr.appendChild(el('th', null, this.msg('popup.levelled')));
    var cell = el('td', 'pa-readiness-state');
    var icon = el('i', READINESS_STATE_ICONS[readiness.levelled ? 'available' : 'missing']);
    icon.setAttribute('aria-hidden', 'true');
    cell.appendChild(icon);
    cell.appendChild(document.createTextNode(' ' + this.msg(readiness.levelled ? 'yes' : 'no')));
    tr.appendChild(cell);
    tr.appendChild(el('td', 'pa-readiness-note', ''));
    body.appendChild(tr);
  }
  table.appendChild(body);
  wrap.appendChild(table);
  return wrap;
};

/** Zoom to a plot by id and open its popup (fetching it if it is not drawn). */
ParkMap.prototype.focusPlot = function (id) {
  var self = this;
  var layer = this.plotLayers[String(id)];
  if (layer) {
    this.showPlot(layer.feature);
    return Promise.resolve(layer.feature);
  }
  return this.plotDetail(id).then(function (feature) {
    if (!feature || !feature.geometry) { throw new Error(''); }
    self.showPlot(feature);
    return feature;
  }).catch(function (err) {
    if (err instanceof AuthRedirect) { return null; }
    self.showError([format(self.msg('error.plot_not_found'), {id: id})]);
    return null;
  });
};

ParkMap.prototype.bindPlot = function (feature, layer) {
  var self = this;
  var p = feature.properties || {};
  var id = isBlank(p.id) ? feature.id : p.id;
  if (!isBlank(id)) { this.plotLayers[String(id)] = layer; }
  layer.bindPopup(function () { return self.plotPopup(feature, layer); },
    {maxWidth: 360, minWidth: 260, className: 'pa-leaflet-popup pa-leaflet-popup-plot',
      maxHeight: Math.max(260, this.map.getSize().y - 120)});
  layer.bindTooltip(function () { return el('span', null, p.code); },
    {sticky: true, direction: 'top', offset: [0, -6], className: 'pa-plot-tooltip'});
  layer.on('mouseover', function () { layer.setStyle(PLOT_HOVER_STYLE); });
  layer.on('mouseout', function () {
    if (self.geo.plots) { self.geo.plots.resetStyle(layer); }
  });
};

ParkMap.prototype.localName = function (props) {
  if (this.locale === 'en' && !isBlank(props.name_en)) { return props.name_en; }
  return props.name;
};

ParkMap.prototype.bindZone = function (feature, layer) {
  var self = this;
  var p = feature.properties || {};
  var name = this.localName(p);
  var industries = Array.isArray(p.admitted_industries) ? p.admitted_industries.join(', ')
    : p.admitted_industries;
  layer.bindPopup(function () {
    return popupBody('pa-popup-zone', name, p.code, [
      [self.msg('field.code'), p.code],
      [self.msg('field.name'), name],
      [self.msg('field.admitted_industries'), industries]
    ]);
  }, {className: 'pa-leaflet-popup'});
  if (!isBlank(name)) {
    layer.bindTooltip(el('span', null, name), {
      permanent: true, direction: 'center', className: 'pa-zone-label', interactive: false
    });
  }
};

ParkMap.prototype.bindProject = function (feature, layer) {
  var self = this;
  var p = feature.properties || {};
  var plots = Array.isArray(p.plots) ? p.plots.join(', ') : p.plots;
  layer.bindPopup(function () {
    return popupBody('pa-popup-project', p.name, p.code, [
      [self.msg('field.code'), p.code],
      [self.msg('field.company'), p.company],
      [self.msg('field.industry'), p.industry_code],
      [self.msg('field.stage'), isBlank(p.stage) ? null : self.msg('project_stage.' + p.stage)],
      [self.msg('field.plots'), plots]
    ]);
  }, {className: 'pa-leaflet-popup'});
  if (!isBlank(p.name)) {
    layer.bindTooltip(el('span', null, p.name), {
      permanent: true, direction: 'center', className: 'pa-project-label', interactive: false
    });
  }
};

ParkMap.prototype.bindRoad = function (feature, layer) {
  var self = this;
  var p = feature.properties || {};
  layer.bindPopup(function () {
    var width = isBlank(p.width_m) ? null : self.number(p.width_m, 0) + ' ' + self.msg('unit.m');
    return popupBody('pa-popup-road', p.name, null, [
      [self.msg('field.class'), isBlank(p['class']) ? null : self.msg('road_class.' + p['class'])],
      [self.msg('field.width'), width],
      [self.msg('field.status'), isBlank(p.status) ? null : self.msg('status.' + p.status)],
      p.status === 'in_service' ? null
        : [self.msg('field.planned_completion'), p.planned_completion]
    ]);
  }, {className: 'pa-leaflet-popup'});
  if (!isBlank(p.name)) {
    layer.bindTooltip(function () { return el('span', null, p.name); },
      {sticky: true, className: 'pa-plot-tooltip'});
  }
};

ParkMap.prototype.bindNetwork = function (feature, layer) {
  var self = this;
  var p = feature.properties || {};
  layer.bindPopup(function () {
    return popupBody('pa-popup-network', p.name,
      isBlank(p.utility) ? null : self.msg('layer.network.' + p.utility), [
        [self.msg('field.subtype'), p.subtype],
        [self.msg('field.status'), isBlank(p.status) ? null : self.msg('status.' + p.status)],
        p.status === 'in_service' ? null
          : [self.msg('field.planned_completion'), p.planned_completion]
      ]);
  }, {className: 'pa-leaflet-popup'});
};

// ---------------------------------------------------------------- plot views

ParkMap.prototype.plotStyle = function (feature) {
  var view = PLOT_VIEWS[this.plotView] || PLOT_VIEWS.stage;
  var props = feature.properties || {};
  var style = L.extend({}, PLOT_BASE_STYLE, view.style(props, this.viewContext()));
  if (this.highlighted) {
    var id = String(isBlank(props.id) ? feature.id : props.id);
    L.extend(style, this.highlighted[id] ? PLOT_HIGHLIGHT_STYLE : PLOT_FADED_STYLE);
  }
  return style;
};

ParkMap.prototype.restylePlots = function () {
  var self = this;
  if (this.geo.plots) { this.geo.plots.setStyle(function (f) { return self.plotStyle(f); }); }
};

/** A plot's readiness level name in the page's language. */
ParkMap.prototype.localLevelName = function (props) {
  if (this.locale === 'en' && !isBlank(props.level_name_en)) { return props.level_name_en; }
  return props.level_name;
};

/**
 * Pick out some plots (ids) and fade the others; null or [] clears. Plots that
 * are not loaded are fetched one by one. Resolves to the highlighted layers.
 */
ParkMap.prototype.highlightPlots = function (ids) {
  var self = this;
  var wanted = (ids || []).map(String);
  var token = {};
  this.highlightToken = token;
  if (!wanted.length) {
    this.highlighted = null;
    this.restylePlots();
    this.container.removeAttribute('data-highlighted');
    return Promise.resolve([]);
  }
  var set = {};
  wanted.forEach(function (id) { set[id] = true; });
  this.highlighted = set;
  var missing = wanted.filter(function (id) { return !self.plotLayers[id]; });
  return Promise.all(missing.map(function (id) {
    return self.plotDetail(id).then(function (feature) {
      if (self.highlightToken !== token || self.plotLayers[id] || !feature.geometry) { return; }
      (self.data.plots = self.data.plots || []).push(feature);
      self.geo.plots.addData(feature);
    }).catch(function () { return null; });
  })).then(function () {
    if (self.highlightToken !== token) { return []; }
    self.restylePlots();
    var layers = wanted.map(function (id) { return self.plotLayers[id]; })
      .filter(function (layer) { return layer; });
    layers.forEach(function (layer) { layer.bringToFront(); });
    self.container.setAttribute('data-highlighted', String(layers.length));
    return layers;
  });
};

ParkMap.prototype.viewContext = function () {
  var self = this;
  return {
    msg: function (key) { return self.msg(key); },
    stages: this.stages,
    map: this
  };
};

/** Switch the thematic view of the plot layer (e.g. "stage"). */
ParkMap.prototype.setPlotView = function (id) {
  var self = this;
  var view = PLOT_VIEWS[id];
  if (!view) { return Promise.resolve(false); }
  var ready = view.prepare ? view.prepare(this.viewContext()) : Promise.resolve();
  return Promise.resolve(ready).then(function () {
    self.plotView = id;
    self.restylePlots();
    self.updateLegend();
    self.container.setAttribute('data-plot-view', id);
    self.map.fire('parkatlas:plotview', {view: id});
    return true;
  }).catch(function (err) {
    self.showError([format(self.msg('error.load'), {
      layer: self.msg(view.title), message: (err && err.message) || String(err)
    })]);
    return false;
  });
};

// ---------------------------------------------------------------- controls

function stopMapEvents(node) {
  L.DomEvent.disableClickPropagation(node);
  L.DomEvent.disableScrollPropagation(node);
}

ParkMap.prototype.addZoomToPark = function () {
  var self = this;
  var ZoomControl = L.Control.extend({
    options: {position: 'topleft'},
    onAdd: function () {
      var bar = el('div', 'leaflet-bar pa-zoom-park');
      var button = el('a', 'pa-zoom-park-button');
      button.href = '#';
      button.setAttribute('role', 'button');
      button.title = self.msg('control.zoom_park');
      button.setAttribute('aria-label', self.msg('control.zoom_park'));
      button.appendChild(el('i', 'fa-solid fa-house'));
      L.DomEvent.on(button, 'click', function (e) {
        L.DomEvent.preventDefault(e);
        self.zoomToPark();
      });
      bar.appendChild(button);
      stopMapEvents(bar);
      return bar;
    }
  });
  new ZoomControl().addTo(this.map);
};

ParkMap.prototype.zoomToPark = function () {
  this.map.fitBounds(this.parkBounds());
};

ParkMap.prototype.addSearch = function () {
  var self = this;
  var SearchControl = L.Control.extend({
    options: {position: 'topright'},
    onAdd: function () {
      var box = el('div', 'leaflet-bar pa-search');
      var form = el('form', 'pa-search-form');
      form.setAttribute('role', 'search');
      var input = el('input', 'pa-search-input');
      input.type = 'search';
      input.name = 'code';
      input.placeholder = self.msg('search.placeholder');
      input.setAttribute('aria-label', self.msg('search.placeholder'));
      input.autocomplete = 'off';
      var button = el('button', 'pa-search-button');
      button.type = 'submit';
      button.title = self.msg('search.button');
      button.setAttribute('aria-label', self.msg('search.button'));
      button.appendChild(el('i', 'fa-solid fa-magnifying-glass'));
      var status = el('div', 'pa-search-status');
      status.setAttribute('role', 'status');
      status.hidden = true;
      form.appendChild(input);
      form.appendChild(button);
      box.appendChild(form);
      box.appendChild(status);
      L.DomEvent.on(form, 'submit', function (e) {
        L.DomEvent.preventDefault(e);
        self.searchPlot(input.value, status);
      });
      stopMapEvents(box);
      return box;
    }
  });
  new SearchControl().addTo(this.map);
};

function setStatus(node, text, kind) {
  node.textContent = text || '';
  node.hidden = !text;
  node.setAttribute('data-state', kind || '');
}

ParkMap.prototype.searchPlot = function (text, status) {
  var self = this;
  var code = String(text || '').trim();
  if (!code) { setStatus(status, ''); return Promise.resolve(null); }
  setStatus(status, this.msg('search.searching'), 'busy');
  var url = this.apiUrl('/plots', {code: code, park: this.cfg.park.id, limit: 10});
  return this.fetchJson(url).then(function (fc) {
    var features = ((fc && fc.features) || []).filter(function (f) { return f && f.geometry; });
    if (!features.length) {
      setStatus(status, format(self.msg('search.not_found'), {code: code}), 'not-found');
      return null;
    }
    // The API matches a prefix: prefer the plot whose code is exactly the query.
    var wanted = code.toLowerCase();
    var hit = features.filter(function (f) {
      return String((f.properties || {}).code || '').toLowerCase() === wanted;
    })[0] || features[0];
    setStatus(status, '', 'found');
    self.showPlot(hit);
    return hit;
  }).catch(function (err) {
    if (err instanceof AuthRedirect) { return null; }
    setStatus(status, (err && err.message) || String(err), 'error');
    return null;
  });
};

/** Zoom to a plot feature and open its popup (drawing it if it is not loaded). */
ParkMap.prototype.showPlot = function (feature) {
  if (!this.geo.plots) { return; }
  var p = feature.properties || {};
  var id = String(isBlank(p.id) ? feature.id : p.id);
  if (this.groups.plots && !this.map.hasLayer(this.groups.plots)) {
    this.map.addLayer(this.groups.plots);
  }
  var layer = this.plotLayers[id];
  if (!layer) {
    (this.data.plots = this.data.plots || []).push(feature);
    this.geo.plots.addData(feature);
    layer = this.plotLayers[id];
  }
  if (!layer) { return; }
  this.map.fitBounds(layer.getBounds(), {maxZoom: 18, padding: [40, 40], animate: false});
  layer.openPopup();
  this.container.setAttribute('data-selected-plot', id);
};

// ---------------------------------------------------------------- basemaps

ParkMap.prototype.addBasemaps = function () {
  var self = this;
  var list = this.cfg.basemaps && this.cfg.basemaps.length ? this.cfg.basemaps
    : [{id: 'none', layers: [], gcj02: false}];
  this.basemaps = list.map(function (spec) {
    var entry = {spec: spec, group: L.layerGroup(), created: false};
    self.layerControl.addBaseLayer(entry.group, escapeHtml(self.msg('basemap.' + spec.id)));
    return entry;
  });
  this.basemaps[0].group.addTo(this.map);
  this.container.setAttribute('data-basemap', this.basemaps[0].spec.id);
  this.map.on('baselayerchange', function (e) {
    self.basemaps.forEach(function (entry) {
      if (entry.group === e.layer) { self.activateBasemap(entry); }
    });
  });
};

ParkMap.prototype.activateBasemap = function (entry) {
  // Tile layers are created on first use only, so nothing is requested from
  // an online tile server unless the user picks that basemap.
  if (!entry.created) {
    entry.created = true;
    (entry.spec.layers || []).forEach(function (layer) {
      entry.group.addLayer(L.tileLayer(layer.url, L.extend({}, layer.options || {})));
    });
  }
  this.container.setAttribute('data-basemap', entry.spec.id);
  this.setGcj(Boolean(entry.spec.gcj02));
};

/** Redraw every overlay in GCJ-02 (Gaode) or back in WGS84, keeping the view. */
ParkMap.prototype.setGcj = function (on) {
  if (on === this.gcj) { return; }
  var c = this.map.getCenter();
  var centre = on ? Gcj02.fromWgs84(c.lng, c.lat) : Gcj02.toWgs84(c.lng, c.lat);
  this.map.closePopup();
  this.gcj = on;
  var self = this;
  Object.keys(this.geo).forEach(function (key) { self.drawLayer(key); });
  this.map.setView([centre[1], centre[0]], this.map.getZoom(), {animate: false});
  this.container.setAttribute('data-gcj02', on ? 'true' : 'false');
  this.updateLegend();
};

// ---------------------------------------------------------------- legend

ParkMap.prototype.addLegend = function () {
  var self = this;
  var LegendControl = L.Control.extend({
    options: {position: 'bottomright'},
    onAdd: function () {
      var box = el('div', 'pa-legend leaflet-bar');
      var head = el('button', 'pa-legend-toggle', self.msg('legend.title'));
      head.type = 'button';
      head.setAttribute('aria-expanded', 'true');
      var body = el('div', 'pa-legend-body');
      L.DomEvent.on(head, 'click', function () {
        var open = body.hidden;
        body.hidden = !open;
        head.setAttribute('aria-expanded', open ? 'true' : 'false');
      });
      box.appendChild(head);
      box.appendChild(body);
      stopMapEvents(box);
      self.legendBody = body;
      return box;
    }
  });
  new LegendControl().addTo(this.map);
  this.map.on('overlayadd overlayremove', function () { self.updateLegend(); });
  this.updateLegend();
};

function fillSwatch(colour, stroke) {
  var s = el('span', 'pa-swatch pa-swatch-fill');
  s.style.backgroundColor = colour;
  if (stroke) { s.style.borderColor = stroke; }
  return s;
}

function lineSwatch(style) {
  var node = svg('svg', {'class': 'pa-swatch-line', width: 34, height: 14, viewBox: '0 0 34 14'});
  node.setAttribute('aria-hidden', 'true');
  node.appendChild(svg('line', {
    x1: 3, y1: 7, x2: 31, y2: 7,
    stroke: style.color,
    'stroke-width': Math.min(style.weight || 2, 7),
    'stroke-dasharray': style.dashArray || null,
    'stroke-linecap': style.lineCap || 'butt'
  }));
  return node;
}

function outlineSwatch(style) {
  var node = svg('svg', {'class': 'pa-swatch-line', width: 34, height: 14, viewBox: '0 0 34 14'});
  node.setAttribute('aria-hidden', 'true');
  node.appendChild(svg('rect', {
    x: 3, y: 2, width: 28, height: 10, fill: 'none', stroke: style.color,
    'stroke-width': 2, 'stroke-dasharray': style.dashArray || null
  }));
  return node;
}

function circleSwatch(colour, faded) {
  var node = svg('svg', {'class': 'pa-swatch-line', width: 34, height: 14, viewBox: '0 0 34 14'});
  node.setAttribute('aria-hidden', 'true');
  node.appendChild(svg('circle', {
    cx: 17, cy: 7, r: 5, fill: colour, 'fill-opacity': faded ? 0.45 : 0.95,
    stroke: '#ffffff', 'stroke-width': 1.5
  }));
  return node;
}

function legendItem(swatch, label) {
  var row = el('li', 'pa-legend-item');
  row.appendChild(swatch);
  row.appendChild(el('span', 'pa-legend-label', label));
  return row;
}

ParkMap.prototype.isShown = function (key) {
  return Boolean(this.groups[key] && this.map.hasLayer(this.groups[key]));
};

ParkMap.prototype.updateLegend = function () {
  var self = this;
  var body = this.legendBody;
  if (!body) { return; }
  while (body.firstChild) { body.removeChild(body.firstChild); }

  function section(title) {
    var wrap = el('section', 'pa-legend-section');
    if (title) { wrap.appendChild(el('h6', 'pa-legend-heading', title)); }
    var list = el('ul', 'pa-legend-list');
    wrap.appendChild(list);
    body.appendChild(wrap);
    return list;
  }

  if (this.isShown('plots')) {
    var viewIds = Object.keys(PLOT_VIEWS);
    var view = PLOT_VIEWS[this.plotView] || PLOT_VIEWS.stage;
    var list = section(this.msg('layer.plots') + ' · ' + this.msg(view.title));
    if (viewIds.length > 1) {
      // A selector appears once more than one thematic view is registered.
      var label = el('label', 'pa-legend-view');
      label.appendChild(el('span', null, this.msg('legend.view')));
      var select = el('select', 'pa-legend-select');
      viewIds.forEach(function (id) {
        var option = el('option', null, self.msg(PLOT_VIEWS[id].title));
        option.value = id;
        option.selected = id === self.plotView;
        select.appendChild(option);
      });
      L.DomEvent.on(select, 'change', function () { self.setPlotView(select.value); });
      label.appendChild(select);
      list.parentNode.insertBefore(label, list);
    }
    list.setAttribute('data-view', this.plotView);
    view.legend(this.viewContext()).forEach(function (item) {
      if (item.heading) {
        list.appendChild(el('li', 'pa-legend-subheading', item.heading));
        return;
      }
      var swatch = fillSwatch(item.pattern ? 'transparent' : item.fill, item.stroke);
      if (item.pattern) { swatch.style.backgroundImage = item.pattern; }
      if (item.dashed) { swatch.classList.add('pa-swatch-dashed'); }
      var label = isBlank(item.count) ? item.label
        : format(self.msg('legend.count'), {label: item.label, count: item.count});
      var row = legendItem(swatch, label);
      if (!isBlank(item.id)) { row.setAttribute('data-class', item.id); }
      list.appendChild(row);
    });
  }
  if (this.isShown('zones') || this.isShown('projects')) {
    var outlines = section(null);
    if (this.isShown('zones')) {
      outlines.appendChild(legendItem(outlineSwatch({color: '#1c4e9c', dashArray: '6 3'}),
        this.msg('layer.zones')));
    }
    if (this.isShown('projects')) {
      outlines.appendChild(legendItem(outlineSwatch({color: '#6a1b9a'}),
        this.msg('layer.projects')));
    }
  }
  if (this.isShown('roads')) {
    var roads = section(this.msg('layer.roads'));
    ['in_service', 'under_construction', 'planned'].forEach(function (status) {
      var style = roadStyle({'class': 'secondary', status: status});
      roads.appendChild(legendItem(lineSwatch(style), self.msg('status.' + status)));
    });
  }
  var shownUtilities = this.utilities.filter(function (u) { return self.isShown('network.' + u); });
  if (shownUtilities.length) {
    var nets = section(this.msg('legend.networks'));
    shownUtilities.forEach(function (u) {
      nets.appendChild(legendItem(lineSwatch(networkStyle({utility: u, status: 'in_service'})),
        self.msg('layer.network.' + u)));
    });
    nets.appendChild(legendItem(lineSwatch({color: '#555555', weight: 2.5, dashArray: '7 5'}),
      this.msg('legend.network.planned')));
    nets.appendChild(legendItem(circleSwatch('#555555', false), this.msg('legend.network.point')));
  }
  (this.legendSections || []).forEach(function (fill) {
    fill({section: section, item: legendItem, fillSwatch: fillSwatch, lineSwatch: lineSwatch,
      circleSwatch: circleSwatch});
  });
  if (this.asOf) {
    body.appendChild(el('p', 'pa-legend-note pa-legend-asof',
      format(this.msg('popup.as_of'), {date: this.asOf})));
  }
  if (this.gcj) {
    body.appendChild(el('p', 'pa-legend-note', this.msg('basemap.gcj_note')));
  }
  body.parentNode.hidden = !body.firstChild;
};

/**
 * Add a legend section for a layer another script draws: fill(tools) is called
 * on every legend update with {section(title) -> <ul>, item(swatch, label),
 * fillSwatch, lineSwatch, circleSwatch}.
 */
ParkMap.prototype.addLegendSection = function (fill) {
  (this.legendSections = this.legendSections || []).push(fill);
  this.updateLegend();
};

// ---------------------------------------------------------------- status

ParkMap.prototype.addStatusBox = function () {
  var box = el('div', 'pa-map-status');
  box.setAttribute('role', 'status');
  box.setAttribute('aria-live', 'polite');
  box.hidden = true;
  stopMapEvents(box);
  this.container.appendChild(box);
  this.statusBox = box;
};

ParkMap.prototype.showLoading = function (done, total) {
  var box = this.statusBox;
  while (box.firstChild) { box.removeChild(box.firstChild); }
  box.className = 'pa-map-status pa-map-loading';
  box.appendChild(el('span', 'pa-spinner'));
  box.appendChild(el('span', null, total ? format(this.msg('loading.progress'),
    {done: done, total: total}) : this.msg('loading')));
  box.hidden = false;
};

ParkMap.prototype.hideLoading = function () {
  this.statusBox.hidden = true;
};

ParkMap.prototype.showError = function (messages) {
  var box = this.statusBox;
  while (box.firstChild) { box.removeChild(box.firstChild); }
  box.className = 'pa-map-status pa-map-error';
  box.setAttribute('role', 'alert');
  var list = el('ul', 'pa-error-list');
  messages.forEach(function (text) { list.appendChild(el('li', null, text)); });
  box.appendChild(list);
  var close = el('button', 'pa-error-close', '×');
  close.type = 'button';
  close.title = this.msg('error.dismiss');
  close.setAttribute('aria-label', this.msg('error.dismiss'));
  L.DomEvent.on(close, 'click', function () { box.hidden = true; });
  box.appendChild(close);
  box.hidden = false;
};

// ---------------------------------------------------------------- public API

var ParkAtlas = {
  instances: [],
  current: null,
  gcj02: Gcj02,
  escapeHtml: escapeHtml,
  stageColours: STAGE_COLOURS,
  utilityColours: UTILITY_COLOURS,
  status: Status,

  /** Fill a Folium-rendered map; called by the script maps.py emits. */
  init: function (map, groups, layerControl, config) {
    var instance = new ParkMap(map, groups, layerControl, config).start();
    ParkAtlas.instances.push(instance);
    ParkAtlas.current = instance;
    return instance;
  },

  /** Resolve with the map instance once its layers have loaded (at once if they have). */
  whenLoaded: function (instance) {
    var pa = instance || ParkAtlas.current;
    return new Promise(function (resolve) {
      if (pa.container.getAttribute('data-loaded') !== 'false') { resolve(pa); return; }
      pa.map.once('parkatlas:loaded', function () { resolve(pa); });
    });
  },

  /** Register a thematic plot view: {title, style(props, ctx), legend(ctx), prepare?(ctx)}. */
  registerPlotView: function (id, view) {
    PLOT_VIEWS[id] = view;
    ParkAtlas.instances.forEach(function (instance) { instance.updateLegend(); });
  },

  plotViews: PLOT_VIEWS
};

// Folium's map script and the page scripts find the map here.
window.ParkAtlas = ParkAtlas;
export default ParkAtlas;
