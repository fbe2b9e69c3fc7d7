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
 * from /plots/<id>. The page URL carries the view (map/viewstate.js): ?plot=<id>
 * (open that plot), ?view=stage|flags|readiness, ?as_of=YYYY-MM-DD (evaluate on
 * that date), ?z=&lat=&lng= (centre and zoom) and ?basemap=<id>.
 *
 * An ES module served as it is (no bundler). This file holds the ParkMap core
 * (set-up, panes, layers) and the public ParkAtlas object; the rest is in map/:
 * loader (API → layers, through http.js), tiles (plots, roads and networks from vector
 * tiles on a big park), styles, popups, views (thematic plot views), legend, basemaps
 * (with GCJ-02), controls (zoom, search, status box),
 * editing (draw, reshape, split, merge, delete with Leaflet-Geoman; planners and admins)
 * and dom helpers. Shared status helpers live in parkatlas-status.js.
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
import * as Status from './parkatlas-status.js';
import {escapeHtml, isBlank, svg} from './map/dom.js';
import {Gcj02, methods as basemapsMethods} from './map/basemaps.js';
import {
  HATCH_GOVERNMENT, PANES, STAGE_COLOURS, UTILITY_COLOURS, networkStyle, roadStyle
} from './map/styles.js';
import {PLOT_VIEWS, methods as viewsMethods} from './map/views.js';
import {methods as loaderMethods} from './map/loader.js';
import {methods as popupsMethods} from './map/popups.js';
import {methods as controlsMethods} from './map/controls.js';
import {methods as legendMethods} from './map/legend.js';
import {methods as viewStateMethods} from './map/viewstate.js';
import {methods as editingMethods} from './map/editing.js';
import {BATTLE_VIEW, methods as battleMethods} from './map/battle.js';
import {methods as tilesMethods} from './map/tiles.js';

const L = window.L;

// English fallbacks; the server normally sends every key in config.messages.
var FALLBACK_MESSAGES = {
  'loading.progress': 'Loading map data… ({done}/{total})',
  'error.load': 'Could not load {layer}: {message}',
  'search.not_found': 'No plot found with a code or name like “{code}”.',
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
  this.tileLayers = null;  // map/tiles.js, when config.tiles
  // ?as_of=YYYY-MM-DD evaluates the plots' status on another date; ?plot=<id>
  // opens that plot once the map has loaded; ?view= picks the plot view.
  // the battle-map view (挂图作战) reads the board: staff maps only (config.battle)
  if (config.battle) { PLOT_VIEWS.battle = BATTLE_VIEW; }
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
  this.addMeasure();
  this.addBasemaps();
  this.addLegend();
  this.addStatusBox();
  this.addEditing();  // planners and admins only (config.editing)
  this.map.fitBounds(this.parkBounds(), {animate: false});
  this.addViewState();  // the URL's centre, zoom and basemap; the date picker; labels
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

// Each part of the map's behaviour lives in its own module under map/.
Object.assign(ParkMap.prototype, loaderMethods, popupsMethods, viewsMethods, controlsMethods,
  basemapsMethods, legendMethods, viewStateMethods, editingMethods, battleMethods, tilesMethods);

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
