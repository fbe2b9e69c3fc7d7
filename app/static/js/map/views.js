/*
 * ParkAtlas map — Thematic plot views (stage, status flags, readiness): their styles and
 * legends, and switching between them.
 */
import {
  DISPOSED_OUTLINE, FLAG_CLASSES, FLAG_CLASS_COLOURS, FLAG_CLASS_SWATCHES, PLOT_BASE_STYLE,
  PLOT_FADED_STYLE, PLOT_HIGHLIGHT_STYLE, READINESS_COLOURS, SERVICED_CLASSES, SERVICED_NAMES,
  STAGE_COLOURS, UNKNOWN_COLOUR, flagClass, readinessClass
} from './styles.js';
import {format, isBlank} from './dom.js';
const L = window.L;

/** ParkMap methods of this part (parkatlas-map.js mixes them in). */
export const methods = {};

/**
 * How many loaded plots fall in each class of classify(props); null when the plots come
 * from tiles (the page holds only the plots it picked, so it cannot count them).
 */
export function countBy(ctx, classify) {
  if (ctx.map && ctx.map.cfg.tiles) { return null; }
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
/** A class's count for the legend: null (not shown) when the plots were not counted. */
export function countOf(counts, key) {
  return counts ? counts[key] || 0 : null;
}

export var PLOT_VIEWS = {
  stage: {
    title: 'view.stage',
    style: function (props) {
      return {fillColor: STAGE_COLOURS[props.stage] || UNKNOWN_COLOUR};
    },
    legend: function (ctx) {
      var counts = countBy(ctx, function (p) { return p.stage; });
      return ctx.stages.map(function (stage) {
        return {id: stage, label: ctx.msg('stage.' + stage),
          fill: STAGE_COLOURS[stage] || UNKNOWN_COLOUR, count: countOf(counts, stage)};
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
        return {id: cls, label: ctx.msg('flag_class.' + cls), count: countOf(counts, cls),
          fill: FLAG_CLASS_COLOURS[cls], pattern: FLAG_CLASS_SWATCHES[cls]};
      });
      items.push({id: 'idle_disposed', label: ctx.msg('legend.disposed'),
        count: countOf(disposed, 'true'), fill: '#ffffff', stroke: DISPOSED_OUTLINE.color,
        dashed: true});
      if (counts && counts.unknown) {
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
          count: countOf(counts, cls)});
      });
      items.push({heading: ctx.msg('legend.not_serviced')});
      for (var level = 7; level >= 1; level--) {
        var cls = 'level_' + level;
        if (counts && !counts[cls]) { continue; }  // uncounted (tiles): every level
        // By count only: the level's names (e.g. 四通一平, 五通) are in the popups.
        items.push({id: cls, label: format(ctx.msg('legend.level'), {level: level}),
          fill: READINESS_COLOURS[cls], count: countOf(counts, cls)});
      }
      items.push({id: 'level_0', label: ctx.msg('legend.raw_land'),
        fill: READINESS_COLOURS.level_0, count: countOf(counts, 'level_0')});
      if (counts && counts.unknown) {
        items.push({id: 'unknown', label: ctx.msg('legend.not_evaluated'),
          count: counts.unknown, fill: UNKNOWN_COLOUR});
      }
      return items;
    }
  }
};
// ---------------------------------------------------------------- plot views

/** A plot's style in the current view; `inTile`: drawn from a tile, not picked (tiles.js). */
methods.plotStyle = function (feature, inTile) {
  var view = PLOT_VIEWS[this.plotView] || PLOT_VIEWS.stage;
  var props = feature.properties || {};
  var style = L.extend({}, PLOT_BASE_STYLE, view.style(props, this.viewContext()));
  if (this.highlighted) {
    var id = String(isBlank(props.id) ? feature.id : props.id);
    L.extend(style, this.highlighted[id] ? PLOT_HIGHLIGHT_STYLE : PLOT_FADED_STYLE);
  }
  return inTile ? style : this.pickedStyle(style);
};

methods.restylePlots = function () {
  var self = this;
  if (this.geo.plots) { this.geo.plots.setStyle(function (f) { return self.plotStyle(f); }); }
  this.restyleTiles();
};

/** A plot's readiness level name in the page's language. */
methods.localLevelName = function (props) {
  if (this.locale === 'en' && !isBlank(props.level_name_en)) { return props.level_name_en; }
  return props.level_name;
};

/**
 * Pick out some plots (ids) and fade the others; null or [] clears. Plots that
 * are not loaded are fetched one by one. Resolves to the highlighted layers.
 */
methods.highlightPlots = function (ids) {
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

methods.viewContext = function () {
  var self = this;
  return {
    msg: function (key) { return self.msg(key); },
    stages: this.stages,
    map: this
  };
};

/** Once the layers are loaded: apply a view that loads data of its own (prepare). */
methods.preparePlotView = function () {
  var view = PLOT_VIEWS[this.plotView];
  return view && view.prepare ? this.setPlotView(this.plotView) : Promise.resolve(true);
};

/** Switch the thematic view of the plot layer (e.g. "stage"). */
methods.setPlotView = function (id) {
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
