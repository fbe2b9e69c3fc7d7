/*
 * ParkAtlas map — the labels layer: plot codes, road and project names (map/viewstate.js
 * says which, for the features in view).
 *
 * Every label is a span in one container of the tooltip pane, placed with left/top at its
 * point's layer pixel and centred on it by CSS (.pa-label). Leaflet's permanent tooltips
 * (and markers) cost too much at scale: each is moved with a 3D transform, so each is a
 * composited layer of its own, and a tooltip reads its size back on every move (a forced
 * layout per label). With 450 plot codes in a zoom-16 view of a 100 000-plot park they
 * took 0.3–0.5 s of every pan. Here a pan moves the pane and not the labels, and a zoom
 * places them again once, hidden while the zoom animates (leaflet-zoom-hide).
 */
import {el} from './dom.js';

const L = window.L;

export var Labels = L.Layer.extend({
  options: {pane: 'tooltipPane'},

  initialize: function () {
    this._labels = {};  // key -> {at: LatLng, node: span}
  },

  onAdd: function () {
    this._container = el('div', 'pa-labels leaflet-zoom-hide');
    var self = this;
    Object.keys(this._labels).forEach(function (key) {
      self._container.appendChild(self._labels[key].node);
    });
    this.getPane().appendChild(this._container);
    this._place();
  },

  onRemove: function () {
    L.DomUtil.remove(this._container);
    this._container = null;
  },

  getEvents: function () {
    return {zoomend: this._place, viewreset: this._place};
  },

  /**
   * Show exactly the `wanted` labels ({key: {at, text, className}}): a label already shown
   * at the same point stays as it is (no flicker), the others go or come.
   */
  update: function (wanted) {
    var self = this;
    Object.keys(this._labels).forEach(function (key) {
      var label = self._labels[key];
      if (!wanted[key] || !label.at.equals(wanted[key].at)) {
        L.DomUtil.remove(label.node);
        delete self._labels[key];
      }
    });
    Object.keys(wanted).forEach(function (key) {
      if (self._labels[key]) { return; }
      var w = wanted[key];
      var label = {at: L.latLng(w.at), node: el('span', 'pa-label ' + w.className, w.text)};
      self._labels[key] = label;
      if (self._container) {
        self._put(label);
        self._container.appendChild(label.node);
      }
    });
  },

  /** How many labels are shown whose key starts with `prefix` ('plot:', 'road:'). */
  count: function (prefix) {
    return Object.keys(this._labels).filter(function (key) {
      return key.indexOf(prefix) === 0;
    }).length;
  },

  _put: function (label) {
    var at = this._map.latLngToLayerPoint(label.at).round();
    label.node.style.left = at.x + 'px';
    label.node.style.top = at.y + 'px';
  },

  _place: function () {
    if (!this._map) { return; }
    var self = this;
    Object.keys(this._labels).forEach(function (key) { self._put(self._labels[key]); });
  }
});
