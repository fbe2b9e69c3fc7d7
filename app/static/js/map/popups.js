/*
 * ParkAtlas map — Popups and tooltips of zones, plots, projects, roads and networks; a plot's
 * status flags, reasons and readiness, loaded from /plots/<id>. Text only.
 */
import * as Status from '../parkatlas-status.js';
import {sortFlags} from '../parkatlas-status.js';
import {AuthRedirect} from '../http.js';
import {
  PLOT_HOVER_STYLE, READINESS_STATE_ICONS, STAGE_COLOURS, UNKNOWN_COLOUR
} from './styles.js';
import {el, format, isBlank} from './dom.js';

/** ParkMap methods of this part (parkatlas-map.js mixes them in). */
export const methods = {};

methods.number = function (value, decimals) {
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
export function popupBody(className, title, subtitle, rows) {
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

export function joinNonBlank(parts, sep) {
  return parts.filter(function (p) { return !isBlank(p); }).join(sep);
}

methods.stageCell = function (stage) {
  var cell = el('span', 'pa-popup-stage');
  var swatch = el('span', 'pa-swatch pa-swatch-fill');
  swatch.style.backgroundColor = STAGE_COLOURS[stage] || UNKNOWN_COLOUR;
  cell.appendChild(swatch);
  cell.appendChild(document.createTextNode(isBlank(stage) ? '—' : this.msg('stage.' + stage)));
  return cell;
};

methods.plotPopup = function (feature, layer) {
  var p = feature.properties || {};
  var id = isBlank(p.id) ? feature.id : p.id;
  var area = el('div', 'pa-area');
  area.appendChild(el('div', 'pa-area-m2', this.number(p.area_m2, 2) + ' ' + this.msg('unit.m2')));
  area.appendChild(el('div', 'pa-area-mu', this.number(p.area_mu, 4) + ' ' + this.msg('unit.mu')));
  area.appendChild(el('div', 'pa-area-ha', this.number(p.area_ha, 4) + ' ' + this.msg('unit.ha')));
  // [property, label, value]: a row whose property the reader is not given at all (a
  // guest gets no name, stage, land class or owner) is left out rather than shown empty.
  var rows = [
    ['code', this.msg('field.code'), p.code],
    ['name', this.msg('field.name'), p.name],
    ['stage', this.msg('field.stage'), this.stageCell(p.stage)],
    ['area_m2', this.msg('field.area'), area],
    // names beside codes, in the reader's language (规划用途 二类工业用地 100102)
    ['land_class', this.msg('field.land_class'), joinNonBlank([this.named(p, 'land_class_name'),
      p.land_class], ' ')],
    ['planned_use', this.msg('field.planned_use'), joinNonBlank([
      this.named(p, 'planned_use_name'), p.planned_use], ' ')],
    ['owner', this.msg('field.owner'), p.owner],
    ['land_user', this.msg('field.land_user'), p.land_user],
    ['contract_no', this.msg('field.contract_no'), p.contract_no],
    ['zone', this.msg('field.zone'), joinNonBlank([this.named(p, 'zone_name', true), p.zone], ' ')]
  ];
  var root = popupBody('pa-popup-plot', p.code, p.name, rows.filter(function (r) {
    return Object.prototype.hasOwnProperty.call(p, r[0]);
  }).map(function (r) { return [r[1], r[2]]; }));
  // Status flags with their reasons and the readiness table come from the
  // plot's own document (/plots/<id>): shown as they arrive.
  var status = el('div', 'pa-popup-status');
  var battle = this.battlePopup(p);  // the battle view's project cards (map/battle.js)
  if (battle) { root.insertBefore(battle, root.firstChild.nextSibling); }
  root.appendChild(status);
  if (!isBlank(id)) {
    var self = this;
    var footer = el('div', 'pa-popup-footer');
    if (this.cfg.urls.plot) {  // none for a guest: the plot page is the staff's
      var link = el('a', 'pa-popup-link', this.msg('popup.details'));
      link.href = String(this.cfg.urls.plot).replace('{id}', encodeURIComponent(String(id)));
      footer.appendChild(link);
    }
    if (this.cfg.urls.plotEdit) {  // planners and admins only
      var edit = el('a', 'pa-popup-link pa-popup-edit ms-3', this.msg('popup.edit'));
      edit.href = String(this.cfg.urls.plotEdit).replace('{id}', encodeURIComponent(String(id)));
      footer.appendChild(edit);
    }
    if (footer.firstChild) { root.appendChild(footer); }
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
export function relayoutPopup(layer, node) {
  var popup = layer && layer.getPopup && layer.getPopup();
  if (!popup || !popup.isOpen() || !popup.getElement() || !popup.getElement().contains(node)) {
    return;
  }
  if (typeof popup._updateLayout === 'function') { popup._updateLayout(); }
  if (typeof popup._updatePosition === 'function') { popup._updatePosition(); }
  if (typeof popup._adjustPan === 'function') { popup._adjustPan(); }
}

methods.detailKey = function (id) {
  return String(id) + '@' + (this.asOf || '');
};

/** The plot Feature with its status and readiness (cached per plot and date). */
methods.plotDetail = function (id) {
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

methods.flagBadge = function (flag) {
  var self = this;
  return Status.flagBadge(function (key) { return self.msg(key); }, flag);
};

/**
 * Fill a popup's status part from plot properties: the flags as badges, each
 * reason as a sentence, and the seven-utility readiness table. `loading` marks
 * list properties (flags only) while the plot's document is on its way.
 */
methods.fillStatus = function (box, props, loading, error) {
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
methods.readinessTable = function (readiness) {
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

/** Does a tool (measuring, editing) take the map's clicks instead of the popups? */
methods.clicksHeld = function () {
  return this.container.classList.contains('pa-measuring') || Boolean(this.edit && this.edit.mode);
};

/** Zoom to a plot by id and open its popup (fetching it if it is not drawn). */
methods.focusPlot = function (id) {
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

methods.bindPlot = function (feature, layer) {
  var self = this;
  var p = feature.properties || {};
  var id = isBlank(p.id) ? feature.id : p.id;
  if (!isBlank(id)) { this.plotLayers[String(id)] = layer; }
  layer.bindPopup(function () { return self.plotPopup(feature, layer); },
    {maxWidth: 360, minWidth: 260, className: 'pa-leaflet-popup pa-leaflet-popup-plot',
      maxHeight: Math.max(260, this.map.getSize().y - 120)});
  // The popup opens on a click unless a tool takes the click: an editor's popup opened and
  // shut again still panned the map and, fading out, covered the vertex being dragged.
  layer.off('click');  // bindPopup's own opener, the layer's only click listener
  layer.on('click', function (e) {
    L.DomEvent.stop(e);
    if (!self.clicksHeld()) { layer.openPopup(e.latlng); }
  });
  layer.bindTooltip(function () { return el('span', null, p.code); },
    {sticky: true, direction: 'top', offset: [0, -6], className: 'pa-plot-tooltip'});
  layer.on('mouseover', function () { layer.setStyle(PLOT_HOVER_STYLE); });
  layer.on('mouseout', function () {
    if (self.geo.plots) { self.geo.plots.resetStyle(layer); }
  });
};

/**
 * props[key] in the reader's language: key + '_en' in English. Vocabulary names have
 * no Chinese fallback in English; proper names (a zone's) keep theirs.
 */
methods.named = function (props, key, properName) {
  if (this.locale === 'en' && !isBlank(props[key + '_en'])) { return props[key + '_en']; }
  return this.locale === 'en' && !properName ? null : props[key];
};

methods.localName = function (props) {
  if (this.locale === 'en' && !isBlank(props.name_en)) { return props.name_en; }
  return props.name;
};

methods.bindZone = function (feature, layer) {
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

/** A project's popup (GeoJSON properties or the project's API document). */
methods.projectPopup = function (p) {
  var plots = Array.isArray(p.plots) ? p.plots.join(', ') : p.plots;
  return popupBody('pa-popup-project', p.name, p.code, [
    [this.msg('field.code'), p.code],
    [this.msg('field.company'), p.company],
    [this.msg('field.industry'), p.industry_code],
    [this.msg('field.stage'), isBlank(p.stage) ? null : this.msg('project_stage.' + p.stage)],
    [this.msg('field.plots'), plots]
  ]);
};

methods.bindProject = function (feature, layer) {
  var self = this;
  var p = feature.properties || {};
  layer.bindPopup(function () { return self.projectPopup(p); }, {className: 'pa-leaflet-popup'});
  if (!isBlank(p.name)) {
    layer.bindTooltip(el('span', null, p.name), {
      permanent: true, direction: 'center', className: 'pa-project-label', interactive: false
    });
  }
};

/** A road's popup (a GeoJSON road's properties or a tile's attributes). */
methods.roadPopup = function (p) {
  var width = isBlank(p.width_m) ? null : this.number(p.width_m, 0) + ' ' + this.msg('unit.m');
  return popupBody('pa-popup-road', p.name, null, [
    [this.msg('field.class'), isBlank(p['class']) ? null : this.msg('road_class.' + p['class'])],
    [this.msg('field.width'), width],
    [this.msg('field.status'), isBlank(p.status) ? null : this.msg('status.' + p.status)],
    p.status === 'in_service' ? null
      : [this.msg('field.planned_completion'), p.planned_completion]
  ]);
};

methods.bindRoad = function (feature, layer) {
  var self = this;
  var p = feature.properties || {};
  layer.bindPopup(function () { return self.roadPopup(p); }, {className: 'pa-leaflet-popup'});
  if (!isBlank(p.name)) {
    layer.bindTooltip(function () { return el('span', null, p.name); },
      {sticky: true, className: 'pa-plot-tooltip'});
  }
};

/** A network feature's popup (GeoJSON properties or a tile's attributes). */
methods.networkPopup = function (p) {
  return popupBody('pa-popup-network', p.name,
    isBlank(p.utility) ? null : this.msg('layer.network.' + p.utility), [
      [this.msg('field.subtype'), p.subtype],
      [this.msg('field.status'), isBlank(p.status) ? null : this.msg('status.' + p.status)],
      p.status === 'in_service' ? null
        : [this.msg('field.planned_completion'), p.planned_completion]
    ]);
};

methods.bindNetwork = function (feature, layer) {
  var self = this;
  var p = feature.properties || {};
  layer.bindPopup(function () { return self.networkPopup(p); }, {className: 'pa-leaflet-popup'});
};
