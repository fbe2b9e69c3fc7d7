/*
 * ParkAtlas map — Basemaps: none (offline default), OpenStreetMap, 天地图 and 高德; while
 * Gaode (GCJ-02) is shown, overlays are shifted to GCJ-02 for display only.
 */
import {escapeHtml} from './dom.js';
const L = window.L;

/** ParkMap methods of this part (parkatlas-map.js mixes them in). */
export const methods = {};

/*
 * WGS84/CGCS2000 -> GCJ-02 ("Mars coordinates") used by Gaode tiles. This is
 * the standard public-domain approximation (Krasovsky ellipsoid constants);
 * it is used for display only, never for stored data.
 */
export var Gcj02 = (function () {
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

// ---------------------------------------------------------------- basemaps

methods.addBasemaps = function () {
  var self = this;
  var list = this.cfg.basemaps && this.cfg.basemaps.length ? this.cfg.basemaps
    : [{id: 'none', layers: [], gcj02: false}];
  this.basemaps = list.map(function (spec) {
    var entry = {spec: spec, group: L.layerGroup(), created: false};
    self.layerControl.addBaseLayer(entry.group, escapeHtml(self.msg('basemap.' + spec.id)));
    return entry;
  });
  // the first is the default: none, or the office's own offline package
  this.basemaps[0].group.addTo(this.map);
  this.activateBasemap(this.basemaps[0]);
  this.map.on('baselayerchange', function (e) {
    self.basemaps.forEach(function (entry) {
      if (entry.group === e.layer) { self.activateBasemap(entry); }
    });
  });
};

methods.activateBasemap = function (entry) {
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
methods.setGcj = function (on) {
  if (on === this.gcj) { return; }
  var c = this.map.getCenter();
  var centre = on ? Gcj02.fromWgs84(c.lng, c.lat) : Gcj02.toWgs84(c.lng, c.lat);
  this.map.closePopup();
  this.gcj = on;
  var self = this;
  Object.keys(this.geo).forEach(function (key) { self.drawLayer(key); });
  Object.keys(this.tileLayers || {}).forEach(function (key) { self.tileLayers[key].redraw(); });
  this.map.setView([centre[1], centre[0]], this.map.getZoom(), {animate: false});
  this.container.setAttribute('data-gcj02', on ? 'true' : 'false');
  this.updateLegend();
};
