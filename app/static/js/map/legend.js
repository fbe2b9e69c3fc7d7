/*
 * ParkAtlas map — The legend: the plot view picker and the swatches of every shown layer.
 */
import {PLOT_VIEWS} from './views.js';
import {el, format, isBlank, stopMapEvents, svg} from './dom.js';
import {networkStyle, roadStyle} from './styles.js';
const L = window.L;

/** ParkMap methods of this part (parkatlas-map.js mixes them in). */
export const methods = {};

methods.addLegend = function () {
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
      // On a tablet the legend starts folded, so it leaves the map to the map.
      if (self.map.getSize().x < (self.cfg.legendFoldBelow || 900)) {
        body.hidden = true;
        head.setAttribute('aria-expanded', 'false');
      }
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

export function fillSwatch(colour, stroke) {
  var s = el('span', 'pa-swatch pa-swatch-fill');
  s.style.backgroundColor = colour;
  if (stroke) { s.style.borderColor = stroke; }
  return s;
}

export function lineSwatch(style) {
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

export function outlineSwatch(style) {
  var node = svg('svg', {'class': 'pa-swatch-line', width: 34, height: 14, viewBox: '0 0 34 14'});
  node.setAttribute('aria-hidden', 'true');
  node.appendChild(svg('rect', {
    x: 3, y: 2, width: 28, height: 10, fill: 'none', stroke: style.color,
    'stroke-width': 2, 'stroke-dasharray': style.dashArray || null
  }));
  return node;
}

export function circleSwatch(colour, faded) {
  var node = svg('svg', {'class': 'pa-swatch-line', width: 34, height: 14, viewBox: '0 0 34 14'});
  node.setAttribute('aria-hidden', 'true');
  node.appendChild(svg('circle', {
    cx: 17, cy: 7, r: 5, fill: colour, 'fill-opacity': faded ? 0.45 : 0.95,
    stroke: '#ffffff', 'stroke-width': 1.5
  }));
  return node;
}

export function legendItem(swatch, label) {
  var row = el('li', 'pa-legend-item');
  row.appendChild(swatch);
  row.appendChild(el('span', 'pa-legend-label', label));
  return row;
}

methods.isShown = function (key) {
  return Boolean(this.groups[key] && this.map.hasLayer(this.groups[key]));
};

methods.updateLegend = function () {
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
methods.addLegendSection = function (fill) {
  (this.legendSections = this.legendSections || []).push(fill);
  this.updateLegend();
};
