/*
 * ParkAtlas map — geometry editing for planners and admins (issue 10): draw a plot, reshape
 * one, split one with a line, merge adjacent plots, delete one (admins, with a reason).
 *
 * Drawing, vertex editing and snapping to the neighbouring plots' edges and vertices are
 * Leaflet-Geoman's (loaded by app/maps.py only when config.editing is set); this module
 * adds the tool bar, the small forms and the calls to the API, which does the geometry in
 * the park's GK CRS and keeps the rules: a plot overlapping another beyond the park's
 * tolerance is refused with the codes and areas, and "clip to neighbours" then shows the
 * clipped shape for the user to confirm. Texts come from config.messages ('edit.*'); data
 * reaches the page only through textContent.
 */
import {el, format, isBlank, stopMapEvents} from './dom.js';
import {Gcj02} from './basemaps.js';
import {AuthRedirect, csrfToken, redirectToLogin} from '../http.js';

const L = window.L;

export const methods = {};

var TOOLS = ['draw', 'reshape', 'split', 'merge', 'delete'];
var DRAFT_STYLE = {color: '#d63384', weight: 3, fillColor: '#d63384', fillOpacity: 0.25};
var PIECE_COLOURS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02'];
var SELECTED_STYLE = {color: '#d63384', weight: 4, fillColor: '#d63384', fillOpacity: 0.35};
var SNAP = {snappable: true, snapDistance: 20, allowSelfIntersection: false};

/** A JSON request whose error keeps the API's code, details and HTTP status. */
function send(url, method, body, login) {
  var init = {method: method, credentials: 'same-origin',
    headers: {'Accept': 'application/json', 'X-CSRFToken': csrfToken()}};
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  return window.fetch(url, init).then(function (resp) {
    if (resp.status === 401) { redirectToLogin(login); throw new AuthRedirect(); }
    if (resp.status === 204) { return null; }
    return resp.json().catch(function () { return null; }).then(function (data) {
      if (resp.ok && data !== null) { return data; }
      var error = (data && data.error) || {};
      var err = new Error(error.message || ('HTTP ' + resp.status));
      err.code = error.code;
      err.details = error.details || {};
      err.status = resp.status;
      throw err;
    });
  });
}

methods.addEditing = function () {
  if (!this.cfg.editing || !this.map.pm || !this.geo.plots) { return; }
  var self = this;
  this.edit = {mode: null};
  // drafts, previews and the marks of selected plots: above the plots, never in the way of
  // a click (the plots' own styles are reset on mouse-out)
  var pane = this.map.createPane('pa-edit', this.map.getPane('overlayPane'));
  pane.style.zIndex = '900';
  pane.style.pointerEvents = 'none';
  this.map.pm.setLang(this.locale === 'en' ? 'en' : 'zh');
  this.map.pm.setGlobalOptions(SNAP);
  var bar = el('div', 'leaflet-bar pa-edit-bar');
  bar.setAttribute('role', 'toolbar');
  bar.setAttribute('aria-label', this.msg('edit.tools'));
  this.editButtons = {};
  TOOLS.forEach(function (tool) {
    if (tool === 'delete' && !self.cfg.editing.admin) { return; }
    var button = el('button', 'pa-edit-tool', self.msg('edit.' + tool));
    button.type = 'button';
    button.setAttribute('data-tool', tool);
    button.title = self.msg('edit.' + tool + '.title');
    button.addEventListener('click', function () { self.editStart(tool); });
    bar.appendChild(button);
    self.editButtons[tool] = button;
  });
  var Bar = L.Control.extend({options: {position: 'topleft'},
    onAdd: function () { stopMapEvents(bar); return bar; }});
  new Bar().addTo(this.map);
  var panel = el('section', 'pa-edit-panel');
  panel.hidden = true;
  panel.setAttribute('aria-live', 'polite');
  stopMapEvents(panel);
  this.container.appendChild(panel);
  this.editPanelNode = panel;
  this.map.on('pm:create', function (e) { self.editCreated(e.layer, e.shape); });
  this.geo.plots.on('click', function (e) { self.editPlotClicked(e.layer); });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && self.edit.mode) { self.editReset(); }
  });
};

// ------------------------------------------------------------------ state and panel

methods.editStart = function (tool) {
  this.editReset();
  this.edit.mode = tool;
  this.editButtons[tool].classList.add('active');
  this.container.setAttribute('data-edit-mode', tool);
  if (tool === 'draw') {
    this.map.pm.enableDraw('Polygon', SNAP);
  }
  this.editShow(this.msg('edit.' + tool + '.hint'));
  this.loadEditablePlots();  // on tiles: the plots of the view, to pick and snap to
};

/** Leave the current tool: drop drafts, previews, selections and vertex editing. */
methods.editReset = function () {
  var e = this.edit;
  if (this.map.pm.globalDrawModeEnabled()) { this.map.pm.disableDraw(); }
  ['draft', 'preview', 'line', 'marks'].forEach(function (key) {
    if (e[key]) { e[key].remove(); }
  });
  if (e.plotLayer && e.plotLayer.pm) { e.plotLayer.pm.disable(); }
  var buttons = this.editButtons || {};
  Object.keys(buttons).forEach(function (k) { buttons[k].classList.remove('active'); });
  this.edit = {mode: null};
  this.container.removeAttribute('data-edit-mode');
  if (this.editPanelNode) { this.editPanelNode.hidden = true; }
};

/** Show the panel with a title line and optional nodes below it. */
methods.editShow = function (text, nodes) {
  var panel = this.editPanelNode;
  while (panel.firstChild) { panel.removeChild(panel.firstChild); }
  panel.appendChild(el('p', 'pa-edit-hint', text));
  (nodes || []).forEach(function (node) { if (node) { panel.appendChild(node); } });
  var cancel = this.editButton(this.msg('edit.cancel'), 'pa-edit-cancel',
    this.editReset.bind(this));
  panel.appendChild(el('div', 'pa-edit-actions')).appendChild(cancel);
  panel.hidden = false;
  return panel;
};

methods.editButton = function (text, className, onClick) {
  var button = el('button', 'btn btn-sm ' + className, text);
  button.type = 'button';
  button.addEventListener('click', onClick);
  return button;
};

/** An error of the API in the panel, with "clip to neighbours" when it is an overlap. */
methods.editError = function (err, clip) {
  if (err instanceof AuthRedirect) { return null; }
  var box = el('div', 'pa-edit-error', err.message);
  box.setAttribute('role', 'alert');
  if (err.code === 'plot_overlap' && clip) {
    box.appendChild(el('br'));
    box.appendChild(this.editButton(this.msg('edit.clip'), 'btn-warning pa-edit-clip', clip));
  }
  return box;
};

methods.editField = function (label, input) {
  var row = el('label', 'pa-edit-field');
  row.appendChild(el('span', null, label));
  row.appendChild(input);
  return row;
};

methods.editInput = function (name, value, attrs) {
  var input = el('input', 'form-control form-control-sm');
  input.name = name;
  input.value = isBlank(value) ? '' : String(value);
  Object.keys(attrs || {}).forEach(function (k) { input.setAttribute(k, attrs[k]); });
  return input;
};

/** A select of [code, name] pairs shown as "code name", with a blank first choice. */
methods.editSelect = function (name, pairs) {
  var select = el('select', 'form-select form-select-sm');
  select.name = name;
  select.appendChild(el('option', null, '—')).value = '';
  (pairs || []).forEach(function (pair) {
    var option = el('option', null, pair.filter(function (x) { return !isBlank(x); }).join(' '));
    option.value = pair[0];
    select.appendChild(option);
  });
  return select;
};

methods.editArea = function (m2) {
  return format(this.msg('edit.area'), {m2: this.formatNumber(m2, 2),
    mu: this.formatNumber(m2 * 15 / 10000, 2)});
};

methods.formatNumber = function (x, digits) {
  return Number(x).toLocaleString(this.locale, {minimumFractionDigits: digits,
    maximumFractionDigits: digits});
};

// ------------------------------------------------------------------ geometry helpers

/** A layer's GeoJSON geometry in CGCS2000 lon/lat (undoing the GCJ-02 display shift). */
methods.editGeometry = function (layer) {
  var geometry = layer.toGeoJSON(false).geometry;  // unrounded: snapped corners stay exact
  if (!this.gcj) { return geometry; }
  var unshift = function (c) {
    if (typeof c[0] === 'number') { return Gcj02.toWgs84(c[0], c[1]); }
    return c.map(unshift);
  };
  return {type: geometry.type, coordinates: unshift(geometry.coordinates)};
};

methods.editShape = function (geometry, style) {
  var self = this;
  return L.geoJSON(geometry, {coordsToLatLng: function (c) { return self.coordsToLatLng(c); },
    style: function () { return style || DRAFT_STYLE; }, pmIgnore: true, snapIgnore: true,
    interactive: false, pane: 'pa-edit'}).addTo(this.map);
};

/** Mark a plot as picked for the current tool (again: unmark it). */
methods.editMark = function (layer) {
  var e = this.edit;
  e.marks = e.marks || L.featureGroup().addTo(this.map);
  e.marked = e.marked || {};
  var id = String(layer.feature.properties.id);
  if (e.marked[id]) {
    e.marks.removeLayer(e.marked[id]);
    delete e.marked[id];
    return false;
  }
  e.marked[id] = this.editShape(layer.feature.geometry, SELECTED_STYLE).addTo(e.marks);
  return true;
};

methods.editApi = function (path, method, body, params) {
  var self = this;
  var url = this.apiUrl(path, L.extend({lang: this.locale === 'en' ? 'en' : 'zh'}, params));
  return send(url, method, body, this.cfg.urls && this.cfg.urls.login).catch(function (err) {
    if (err.status === 409) { self.refreshTiles(); }  // another user's change: new tiles
    throw err;
  });
};

/** Reload the plots layer after an edit (on tiles: the new version's tiles); resolves once
 * it is drawn. */
methods.editReload = function () {
  var self = this;
  if (this.tileLayers) {
    this.data.plots = [];
    this.drawLayer('plots');
    return this.refreshTiles();
  }
  return this.fetchAll(this.apiUrl('/plots', {park: this.cfg.park.id,
    limit: this.cfg.pageSize || 5000, as_of: this.asOf})).then(function (features) {
    self.setData('plots', features);
  });
};

methods.editDone = function (text, ids) {
  var self = this;
  this.editReset();
  return this.editReload().then(function () {
    var links = el('ul', 'pa-edit-links');
    (ids || []).forEach(function (item) {
      var a = el('a', null, item.code);
      a.href = self.cfg.urls.plot.replace('{id}', encodeURIComponent(item.id));
      links.appendChild(el('li')).appendChild(a);
    });
    self.editShow(text, [links]);
    self.container.setAttribute('data-edit-done', String(Date.now()));
  });
};

// ------------------------------------------------------------------ events

methods.editCreated = function (layer, shape) {
  var e = this.edit;
  if (e.mode === 'draw' && shape === 'Polygon') {
    layer.setStyle(DRAFT_STYLE);
    e.draft = layer;
    e.geometry = this.editGeometry(layer);
    this.map.pm.disableDraw();
    this.editDrawForm();
  } else if (e.mode === 'split' && shape === 'Line') {
    e.line = layer;
    this.map.pm.disableDraw();
    this.editSplitPreview(this.editGeometry(layer));
  } else {
    layer.remove();
  }
};

methods.editPlotClicked = function (layer) {
  var e = this.edit;
  if (!e.mode || e.mode === 'draw' || !layer || !layer.feature) { return; }
  this.map.closePopup();
  if (e.plotLayer && e.mode !== 'merge') { return; }  // one plot per operation
  if (e.mode === 'merge') { this.editMergeToggle(layer); return; }
  e.plotLayer = layer;
  e.plot = layer.feature.properties;
  if (e.mode !== 'reshape') { this.editMark(layer); }
  if (e.mode === 'reshape') { this.editReshape(); }
  if (e.mode === 'split') {
    this.editShow(format(this.msg('edit.split.line'), {code: e.plot.code}));
    this.map.pm.enableDraw('Line', {snappable: false});
  }
  if (e.mode === 'delete') { this.editDeleteForm(); }
};

// ------------------------------------------------------------------ draw

methods.editDrawForm = function (problem) {
  var self = this;
  var e = this.edit;
  this.editApi('/plots/proposal', 'POST', {geometry: e.geometry}, {park: this.cfg.park.id})
    .then(function (proposal) {
      var code = self.editInput('code', e.code || proposal.code, {required: 'required',
        pattern: '[A-Za-z0-9]+(-[A-Za-z0-9]+)*', maxlength: '50'});
      var name = self.editInput('name', e.name, {maxlength: '100'});
      var zone = el('select', 'form-select form-select-sm');
      zone.name = 'zone_id';
      zone.appendChild(el('option', null, '—')).value = '';
      (self.data.zones || []).forEach(function (f) {
        var p = f.properties || {};
        var option = el('option', null, [p.code, self.localName(p)].filter(Boolean).join(' '));
        option.value = String(p.id);
        option.selected = p.id === proposal.zone_id;
        zone.appendChild(option);
      });
      // names beside codes: GB/T 21010 land classes and planned uses, in the reader's language
      var landClass = self.editSelect('land_class', self.cfg.editing.landClasses);
      var use = self.editSelect('planned_use', self.cfg.editing.plannedUses);
      var save = self.editButton(self.msg('edit.save'), 'btn-primary pa-edit-save', function () {
        e.code = code.value.trim();
        e.name = name.value.trim();
        self.editDrawSave({code: e.code, name: e.name || null,
          zone_id: zone.value ? Number(zone.value) : null,
          land_class: landClass.value.trim() || null, planned_use: use.value.trim() || null});
      });
      var nodes = [el('p', 'pa-edit-area', self.editArea(proposal.area_m2)),
        self.editField(self.msg('edit.code'), code), self.editField(self.msg('edit.name'), name),
        self.editField(self.msg('edit.zone'), zone),
        self.editField(self.msg('edit.land_class'), landClass),
        self.editField(self.msg('edit.planned_use'), use)];
      if (proposal.overlaps.length) {
        nodes.push(self.editOverlaps(proposal.overlaps, self.editClipDrawn.bind(self)));
      }
      nodes.push(problem, save);
      self.editShow(self.msg('edit.draw.form'), nodes);
    }).catch(function (err) { self.editShow(self.msg('edit.draw.form'), [self.editError(err)]); });
};

/** The overlaps the server found, with the clip button. */
methods.editOverlaps = function (overlaps, clip) {
  var self = this;
  var box = el('div', 'pa-edit-warning');
  box.appendChild(el('span', null, this.msg('edit.overlaps')));
  var list = el('ul');
  overlaps.forEach(function (o) {
    list.appendChild(el('li', null, format(self.msg('edit.overlap'), {code: o.code,
      m2: self.formatNumber(o.area_m2, 2)})));
  });
  box.appendChild(list);
  box.appendChild(this.editButton(this.msg('edit.clip'), 'btn-warning pa-edit-clip', clip));
  return box;
};

methods.editDrawSave = function (properties) {
  var self = this;
  var e = this.edit;
  this.editApi('/plots', 'POST', {properties: properties, geometry: e.geometry},
    {park: this.cfg.park.id}).then(function (feature) {
    var p = feature.properties;
    self.editDone(format(self.msg('edit.draw.done'), {code: p.code}), [p]);
  }).catch(function (err) {
    self.editDrawForm(self.editError(err, self.editClipDrawn.bind(self)));
  });
};

methods.editClipDrawn = function () {
  var self = this;
  var e = this.edit;
  this.editClip(e.geometry, []).then(function (clipped) {
    e.geometry = clipped.geometry;
    if (e.draft) { e.draft.remove(); }
    e.draft = self.editShape(clipped.geometry);
    self.editDrawForm(el('p', 'pa-edit-note', self.msg('edit.clipped')));
  });
};

/** "Clip to neighbours": the server's clipped geometry (ST_Difference in GK). */
methods.editClip = function (geometry, except) {
  var self = this;
  return this.editApi('/plots/clip', 'POST', {geometry: geometry, except: except},
    {park: this.cfg.park.id}).catch(function (err) {
    self.editShow(self.msg('edit.clip'), [self.editError(err)]);
    throw err;
  });
};

// ------------------------------------------------------------------ reshape

methods.editReshape = function (note) {
  var self = this;
  var e = this.edit;
  if (!e.clipped) { e.plotLayer.pm.enable(SNAP); }
  var save = this.editButton(this.msg('edit.save'), 'btn-primary pa-edit-save', function () {
    var geometry = e.clipped || self.editGeometry(e.plotLayer);
    self.editApi('/plots/' + e.plot.id, 'PATCH', {version: e.plot.version, geometry: geometry})
      .then(function (feature) {
        var p = feature.properties;
        self.editDone(format(self.msg('edit.reshape.done'), {code: p.code}), [p]);
      }).catch(function (err) {
        e.geometry = geometry;
        self.editReshape(self.editError(err, self.editClipReshaped.bind(self)));
      });
  });
  this.editShow(format(this.msg('edit.reshape.editing'), {code: e.plot.code}), [note, save]);
};

methods.editClipReshaped = function () {
  var self = this;
  var e = this.edit;
  this.editClip(e.geometry, [e.plot.id]).then(function (clipped) {
    e.clipped = clipped.geometry;
    e.plotLayer.pm.disable();
    if (e.preview) { e.preview.remove(); }
    e.preview = self.editShape(clipped.geometry);
    self.editReshape(el('p', 'pa-edit-note', self.msg('edit.clipped') + ' ' +
      self.editArea(clipped.area_m2)));
  });
};

// ------------------------------------------------------------------ split

methods.editSplitPreview = function (line) {
  var self = this;
  var e = this.edit;
  e.lineGeometry = line;
  this.editApi('/plots/' + e.plot.id + '/split-preview', 'POST', {line: line})
    .then(function (preview) {
      if (e.preview) { e.preview.remove(); }
      e.preview = L.featureGroup().addTo(self.map);
      var inputs = [];
      var list = el('ol', 'pa-edit-pieces');
      var sum = 0;
      preview.pieces.forEach(function (piece, i) {
        var colour = PIECE_COLOURS[i % PIECE_COLOURS.length];
        self.editShape(piece.geometry, {color: colour, weight: 2, fillColor: colour,
          fillOpacity: 0.45}).addTo(e.preview);
        var input = self.editInput('code', piece.code, {required: 'required', maxlength: '50',
          pattern: '[A-Za-z0-9]+(-[A-Za-z0-9]+)*'});
        input.style.borderLeft = '6px solid ' + colour;
        inputs.push(input);
        var item = el('li');
        item.appendChild(input);
        item.appendChild(el('span', 'pa-edit-piece-area', self.editArea(piece.area_m2)));
        list.appendChild(item);
        sum += piece.area_m2;
      });
      var total = el('p', 'pa-edit-area', format(self.msg('edit.split.sum'), {
        sum: self.formatNumber(sum, 2), parent: self.formatNumber(preview.plot.area_m2, 2)}));
      var save = self.editButton(self.msg('edit.save'), 'btn-primary pa-edit-save', function () {
        self.editApi('/plots/' + e.plot.id + '/split', 'POST', {version: e.plot.version,
          line: line, codes: inputs.map(function (i) { return i.value.trim(); })})
          .then(function (fc) {
            var kids = fc.features.map(function (f) { return f.properties; });
            self.editDone(format(self.msg('edit.split.done'), {code: e.plot.code}), kids);
          }).catch(function (err) {
            self.editShow(self.msg('edit.split'), [list, total, self.editError(err), save]);
          });
      });
      self.editShow(format(self.msg('edit.split.form'), {code: e.plot.code}),
        [list, total, save]);
    }).catch(function (err) {
      if (e.line) { e.line.remove(); }
      self.editShow(format(self.msg('edit.split.line'), {code: e.plot.code}),
        [self.editError(err)]);
      self.map.pm.enableDraw('Line', {snappable: false});
    });
};

// ------------------------------------------------------------------ merge

methods.editMergeToggle = function (layer) {
  var e = this.edit;
  e.selected = e.selected || [];
  if (this.editMark(layer)) {
    e.selected.push(layer);
  } else {
    e.selected.splice(e.selected.indexOf(layer), 1);
  }
  this.editMergeForm();
};

methods.editMergeForm = function (problem) {
  var self = this;
  var e = this.edit;
  var plots = e.selected.map(function (l) { return l.feature.properties; });
  var list = el('ul', 'pa-edit-selected');
  plots.forEach(function (p) { list.appendChild(el('li', null, p.code)); });
  var code = this.editInput('code', e.code || (plots[0] && plots[0].code), {required: 'required',
    maxlength: '50', pattern: '[A-Za-z0-9]+(-[A-Za-z0-9]+)*'});
  var save = this.editButton(this.msg('edit.save'), 'btn-primary pa-edit-save', function () {
    e.code = code.value.trim();
    self.editApi('/plots/merge', 'POST', {code: e.code, plots: plots.map(function (p) {
      return {id: p.id, version: p.version};
    })}).then(function (feature) {
      var p = feature.properties;
      self.editDone(format(self.msg('edit.merge.done'), {code: p.code}), [p]);
    }).catch(function (err) { self.editMergeForm(self.editError(err)); });
  });
  save.disabled = plots.length < 2;
  this.editShow(this.msg('edit.merge.hint'), [list, this.editField(this.msg('edit.code'), code),
    problem, save]);
};

// ------------------------------------------------------------------ delete

methods.editDeleteForm = function (problem) {
  var self = this;
  var e = this.edit;
  var reason = el('textarea', 'form-control form-control-sm');
  reason.name = 'reason';
  reason.required = true;
  reason.maxLength = 2000;
  reason.value = e.reason || '';
  var confirm = this.editButton(this.msg('edit.delete.confirm'), 'btn-danger pa-edit-save',
    function () {
      e.reason = reason.value;
      self.editApi('/plots/' + e.plot.id, 'DELETE', {version: e.plot.version,
        reason: reason.value}).then(function () {
        self.editDone(format(self.msg('edit.delete.done'), {code: e.plot.code}), []);
      }).catch(function (err) { self.editDeleteForm(self.editError(err)); });
    });
  this.editShow(format(this.msg('edit.delete.form'), {code: e.plot.code}),
    [this.editField(this.msg('edit.reason'), reason), problem, confirm]);
};
