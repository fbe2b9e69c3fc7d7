/*
 * ParkAtlas map — Controls on the map: zoom to park, plot search, the measure tool and the
 * loading / error box.
 */
import {AuthRedirect} from '../http.js';
import {el, escapeHtml, format, isBlank, stopMapEvents} from './dom.js';
const L = window.L;

/** ParkMap methods of this part (parkatlas-map.js mixes them in). */
export const methods = {};

methods.addZoomToPark = function () {
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

methods.zoomToPark = function () {
  this.map.fitBounds(this.parkBounds());
};

methods.addSearch = function () {
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

// ---------------------------------------------------------------- measure

/*
 * The measure tool: Leaflet.PolylineMeasure (npm leaflet.polylinemeasure, BSD-2; no eval, so
 * the pages' CSP needs no 'unsafe-eval') draws the line and shows its lengths on the great
 * circle; a line of three or more points also shows the area it encloses, closed back to
 * its first point, from leaflet-draw's L.GeometryUtil.geodesicArea (spherical). At park
 * scale both agree with the Gauss-Krüger lengths and areas within 0.5 % (README).
 */
var MU_PER_M2 = 15 / 10000;

methods.addMeasure = function () {
  var self = this;
  var m = function (key) { return escapeHtml(self.msg(key)); };  // the plugin sets innerHTML
  var control = L.control.polylineMeasure({
    position: 'topleft', unit: 'kilometres', showBearings: false, showClearControl: true,
    measureControlTitleOn: this.msg('measure.start'),
    measureControlTitleOff: this.msg('measure.stop'),
    clearControlTitle: this.msg('measure.clear'),
    measureControlLabel: '<i class="fa-solid fa-ruler" aria-hidden="true"></i>',
    clearControlLabel: '&times;',
    tooltipTextFinish: m('measure.finish') + '<br>', tooltipTextDelete: m('measure.delete'),
    tooltipTextMove: m('measure.move') + '<br>', tooltipTextResume: '<br>' + m('measure.resume'),
    tooltipTextAdd: m('measure.add'),
    unitControlLabel: {metres: m('measure.metres'), kilometres: m('measure.kilometres'),
      feet: 'ft', landmiles: 'mi', nauticalmiles: 'nm'}
  }).addTo(this.map);
  var box = el('div', 'pa-measure-result');
  box.setAttribute('role', 'status');
  box.setAttribute('aria-live', 'polite');
  box.hidden = true;
  stopMapEvents(box);
  this.container.appendChild(box);
  var show = function (line) {
    var points = (line && line.circleCoords) || [];
    while (box.firstChild) { box.removeChild(box.firstChild); }
    box.hidden = !points.length;
    if (points.length < 2) {
      if (points.length) { box.appendChild(el('div', null, self.msg('measure.hint'))); }
      return;
    }
    var length = 0;
    for (var i = 1; i < points.length; i++) { length += points[i - 1].distanceTo(points[i]); }
    // the measured points, for tests and for whoever wants to check them in GK
    box.setAttribute('data-points', JSON.stringify(points.map(function (p) {
      return [p.lng, p.lat];
    })));
    var lengthRow = el('div', 'pa-measure-length',
      format(self.msg('measure.length'), {m: self.number(length, 1)}));
    lengthRow.setAttribute('data-length-m', String(length));
    box.appendChild(lengthRow);
    if (points.length < 3) {
      box.appendChild(el('div', null, self.msg('measure.hint')));
      return;
    }
    var area = L.GeometryUtil.geodesicArea(points);
    var areaRow = el('div', 'pa-measure-area', format(self.msg('measure.area'), {
      m2: self.number(area, 1), mu: self.number(area * MU_PER_M2, 3),
      ha: self.number(area / 10000, 4)}));
    areaRow.setAttribute('data-area-m2', String(area));
    box.appendChild(areaRow);
  };
  ['polylinemeasure:start', 'polylinemeasure:change', 'polylinemeasure:finish']
    .forEach(function (name) { self.map.on(name, show); });
  this.map.on('polylinemeasure:clear', function () { show(null); });
  // While measuring, clicks go to the tool, not to the plots' popups ('sttus' sic).
  this.map.on('polylinemeasure:toggle', function (e) {
    self.container.classList.toggle('pa-measuring', Boolean(e.sttus));
  });
  this.measureControl = control;
};

export function setStatus(node, text, kind) {
  node.textContent = text || '';
  node.hidden = !text;
  node.setAttribute('data-state', kind || '');
}

methods.searchPlot = function (text, status) {
  var self = this;
  var code = String(text || '').trim();
  if (!code) { setStatus(status, ''); return Promise.resolve(null); }
  setStatus(status, this.msg('search.searching'), 'busy');
  // q: a code prefix or a part of the name (codes only for a guest, who reads no names)
  var url = this.apiUrl('/plots', {q: code, park: this.cfg.park.id, limit: 10});
  return this.fetchJson(url).then(function (fc) {
    var features = ((fc && fc.features) || []).filter(function (f) { return f && f.geometry; });
    if (!features.length) {
      setStatus(status, format(self.msg('search.not_found'), {code: code}), 'not-found');
      return null;
    }
    // The API matches a code prefix or a part of a name: prefer the plot whose code, then
    // whose name, is exactly the query.
    var wanted = code.toLowerCase();
    var exactly = function (key) {
      return features.filter(function (f) {
        return String((f.properties || {})[key] || '').toLowerCase() === wanted;
      })[0];
    };
    var hit = exactly('code') || exactly('name') || features[0];
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
methods.showPlot = function (feature) {
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
  if (this.keepView) {  // a shared URL gave the centre and zoom: open the plot there
    this.keepView = false;
  } else {
    this.map.fitBounds(layer.getBounds(), {maxZoom: 18, padding: [40, 40], animate: false});
  }
  layer.openPopup();
  this.container.setAttribute('data-selected-plot', id);
};

// ---------------------------------------------------------------- status

methods.addStatusBox = function () {
  var box = el('div', 'pa-map-status');
  box.setAttribute('role', 'status');
  box.setAttribute('aria-live', 'polite');
  box.hidden = true;
  stopMapEvents(box);
  this.container.appendChild(box);
  this.statusBox = box;
};

methods.showLoading = function (done, total) {
  var box = this.statusBox;
  while (box.firstChild) { box.removeChild(box.firstChild); }
  box.className = 'pa-map-status pa-map-loading';
  box.appendChild(el('span', 'pa-spinner'));
  box.appendChild(el('span', null, total ? format(this.msg('loading.progress'),
    {done: done, total: total}) : this.msg('loading')));
  box.hidden = false;
};

methods.hideLoading = function () {
  this.statusBox.hidden = true;
};

methods.showError = function (messages) {
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
