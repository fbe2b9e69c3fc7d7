/*
 * ParkAtlas map — What editing needs to find its way (issue 10 item 6):
 *  - the view lives in the page URL (query string, kept with history.replaceState):
 *      view=stage|flags|readiness  as_of=YYYY-MM-DD  z=<zoom>  lat=<lat>  lng=<lng>
 *      plot=<id> (its popup is open)  basemap=<id>
 *    so a copied link reproduces the view;
 *  - a date picker (<input type=date>) for the as-of date, which reloads the plots
 *    (their status and readiness are evaluated on that date);
 *  - plot codes as labels from zoom `plotLabelZoom` (16) and road names from
 *    `roadLabelZoom` (15), on one layer (map/labels.js), made only for the features in
 *    view (on tiles, map/tiles.js finds them in the drawn tiles). Road names sit at the
 *    middle of the road, horizontal (see README: no text-path plugin).
 */
import {el, isBlank, stopMapEvents} from './dom.js';
import {Labels} from './labels.js';
const L = window.L;

export const methods = {};

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The view the URL asks for (beyond view/as_of/plot, which the constructor reads). */
methods.readViewState = function () {
  var params = new URLSearchParams(window.location.search);
  var z = Number(params.get('z'));
  var lat = Number(params.get('lat'));
  var lng = Number(params.get('lng'));
  var centre = params.get('lat') !== null && params.get('lng') !== null &&
    isFinite(lat) && isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180;
  return {
    zoom: params.get('z') !== null && isFinite(z) && z >= 0 && z <= 22 ? z : null,
    centre: centre ? L.latLng(lat, lng) : null,
    basemap: params.get('basemap')
  };
};

/** Apply the URL's centre, zoom and basemap, then keep the URL following the view. */
methods.addViewState = function () {
  var self = this;
  this.openPlotId = null;
  this.addLabels();
  if (!this.cfg.viewState) { return; }
  var wanted = this.readViewState();
  this.keepView = wanted.zoom !== null && Boolean(this.focusPlotId);
  if (wanted.centre || wanted.zoom !== null) {
    this.map.setView(wanted.centre || this.map.getCenter(),
      wanted.zoom === null ? this.map.getZoom() : wanted.zoom, {animate: false});
  }
  if (wanted.basemap && this.basemaps) {
    this.basemaps.forEach(function (entry, i) {
      if (entry.spec.id !== wanted.basemap || i === 0) { return; }
      self.basemaps.forEach(function (other) { self.map.removeLayer(other.group); });
      entry.group.addTo(self.map);
      self.activateBasemap(entry);
    });
  }
  this.openPlotId = this.focusPlotId;
  this.map.on('moveend parkatlas:plotview parkatlas:asof baselayerchange',
    function () { self.writeViewState(); });
  this.map.on('popupopen', function (e) {
    var layer = e.popup && e.popup._source;
    var p = layer && layer.feature && layer.feature.properties;
    if (layer && self.geo.plots && self.geo.plots.hasLayer(layer) && p) {
      self.openPlotId = String(isBlank(p.id) ? layer.feature.id : p.id);
      self.writeViewState();
    }
  });
  this.map.on('popupclose', function () {
    if (self.openPlotId === null) { return; }
    self.openPlotId = null;
    self.writeViewState();
  });
  this.addDatePicker();
};

/** The URL of the current view (query string; other parameters such as park are kept). */
methods.viewStateUrl = function () {
  var url = new URL(window.location.href);
  var q = url.searchParams;
  var c = this.map.getCenter();
  var z = this.map.getZoom();
  var digits = Math.max(4, Math.ceil(Math.log(Math.pow(2, z)) / Math.LN10) + 1);
  if (this.gcj) {  // the URL keeps WGS84 whatever basemap is shown
    var w = this.wgsOf(c);
    c = L.latLng(w[1], w[0]);
  }
  q.set('view', this.plotView);
  if (this.asOf) { q.set('as_of', this.asOf); } else { q.delete('as_of'); }
  q.set('z', String(z));
  q.set('lat', c.lat.toFixed(digits));
  q.set('lng', c.lng.toFixed(digits));
  if (this.openPlotId) { q.set('plot', this.openPlotId); } else { q.delete('plot'); }
  var basemap = this.container.getAttribute('data-basemap');
  if (basemap && this.basemaps && basemap !== this.basemaps[0].spec.id) {
    q.set('basemap', basemap);
  } else {
    q.delete('basemap');
  }
  q.delete('lang');
  return url.pathname + '?' + q.toString() + url.hash;
};

methods.wgsOf = function (latlng) {
  return this.gcj && window.ParkAtlas ? window.ParkAtlas.gcj02.toWgs84(latlng.lng, latlng.lat)
    : [latlng.lng, latlng.lat];
};

methods.writeViewState = function () {
  if (!this.cfg.viewState || !window.history || !window.history.replaceState) { return; }
  window.history.replaceState(window.history.state, '', this.viewStateUrl());
};

// ---------------------------------------------------------------- the as-of date

methods.addDatePicker = function () {
  var self = this;
  var DateControl = L.Control.extend({
    options: {position: 'topright'},
    onAdd: function () {
      var box = el('div', 'pa-asof leaflet-bar');
      var label = el('label', 'pa-asof-label', self.msg('as_of'));
      var input = el('input', 'pa-asof-input form-control form-control-sm');
      input.type = 'date';
      input.id = 'pa-asof-input';
      input.value = self.asOf || '';
      input.setAttribute('aria-describedby', 'pa-asof-hint');
      input.title = self.msg('asof.hint');
      label.htmlFor = input.id;
      var hint = el('span', 'visually-hidden', self.msg('asof.hint'));
      hint.id = 'pa-asof-hint';
      L.DomEvent.on(input, 'change', function () {
        var value = DATE.test(input.value) ? input.value : null;
        if (value === self.asOf) { return; }
        self.setAsOf(value);
      });
      box.appendChild(label);
      box.appendChild(input);
      box.appendChild(hint);
      stopMapEvents(box);
      self.asOfInput = input;
      return box;
    }
  });
  new DateControl().addTo(this.map);
};

/** Evaluate the plots on another date (null: today): reload them and their colours. */
methods.setAsOf = function (value) {
  var self = this;
  this.asOf = value;
  this.map.closePopup();
  this.container.setAttribute('data-loaded', 'false');
  var url = this.apiUrl('/plots', {park: this.cfg.park.id, limit: this.cfg.pageSize || 5000,
    as_of: this.asOf});
  this.showLoading(0, 1);
  // on tiles (map/tiles.js): the tiles of that date; the picked plots are read again
  var load = this.tileLayers ? this.tilesAsOf() : this.fetchAll(url).then(function (features) {
    self.setData('plots', features);
  });
  return load.then(function () {
    var view = self.plotView;
    return self.setPlotView(view);
  }).then(function () {
    self.hideLoading();
    self.updateLabels();
    self.container.setAttribute('data-loaded', 'true');
    self.container.setAttribute('data-as-of', self.asOf || '');
    self.map.fire('parkatlas:asof', {asOf: self.asOf});
  }, function (err) {
    self.hideLoading();
    self.container.setAttribute('data-loaded', 'error');
    self.showError([(err && err.message) || String(err)]);
  });
};

// ---------------------------------------------------------------- labels

methods.addLabels = function () {
  var self = this;
  this.labelLayer = new Labels().addTo(this.map);
  // a layer switched off takes its labels with it (and back on, brings them)
  this.map.on('moveend zoomend overlayadd overlayremove', function () { self.updateLabels(); });
  this.map.on('parkatlas:loaded', function () { self.updateLabels(); });
};

/** The label of each plot and road in view at a zoom that shows them; no other. */
methods.updateLabels = function () {
  if (!this.labelLayer) { return; }
  var zoom = this.map.getZoom();
  var bounds = this.map.getBounds().pad(0.1);
  var wanted = {};
  if (zoom >= (this.cfg.plotLabelZoom || 16) && this.geo.plots &&
      this.map.hasLayer(this.groups.plots)) {
    this.geo.plots.eachLayer(function (layer) {
      var p = layer.feature && layer.feature.properties;
      if (!p || isBlank(p.code) || !bounds.intersects(layer.getBounds())) { return; }
      wanted['plot:' + p.code] = {at: layer.getBounds().getCenter(), text: p.code,
        className: 'pa-plot-label'};
    });
  }
  if (zoom >= (this.cfg.roadLabelZoom || 15) && this.geo.roads &&
      this.map.hasLayer(this.groups.roads)) {
    this.geo.roads.eachLayer(function (layer) {
      var p = layer.feature && layer.feature.properties;
      if (!p || isBlank(p.name) || !bounds.intersects(layer.getBounds())) { return; }
      var at = middleOfLine(layer.getLatLngs());
      if (at) {
        wanted['road:' + (layer.feature.id || p.name)] = {at: at, text: p.name,
          className: 'pa-road-label'};
      }
    });
  }
  this.tileLabels(wanted, bounds, zoom);  // on tiles: the drawn tiles' plots and roads
  this.labelLayer.update(wanted);
  this.container.setAttribute('data-plot-labels', String(this.labelLayer.count('plot:')));
};

/** The point halfway along a (multi)line, by length in degrees (enough to place a name). */
export function middleOfLine(latlngs) {
  var parts = latlngs.length && Array.isArray(latlngs[0]) ? latlngs : [latlngs];
  var longest = null;
  var best = -1;
  parts.forEach(function (part) {
    var length = 0;
    for (var i = 1; i < part.length; i++) { length += part[i - 1].distanceTo(part[i]); }
    if (length > best) { best = length; longest = {part: part, length: length}; }
  });
  if (!longest || longest.part.length < 2) { return null; }
  var half = longest.length / 2;
  var pts = longest.part;
  for (var j = 1; j < pts.length; j++) {
    var step = pts[j - 1].distanceTo(pts[j]);
    if (half <= step && step > 0) {
      var f = half / step;
      return L.latLng(pts[j - 1].lat + (pts[j].lat - pts[j - 1].lat) * f,
        pts[j - 1].lng + (pts[j].lng - pts[j - 1].lng) * f);
    }
    half -= step;
  }
  return pts[pts.length - 1];
}
