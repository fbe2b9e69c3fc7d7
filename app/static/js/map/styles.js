/*
 * ParkAtlas map — Styles of the overlays: stage, road, utility, flag and readiness colours,
 * plot styles and the pane order. Stage order and colours come from the config.
 */
import {isBlank} from './dom.js';

// Stage order and colours come from the server (app/labels.py, config.stages and
// config.stageColours): one palette for the map, the plot page and the plan page.
export var STAGE_COLOURS = {};
export var UNKNOWN_COLOUR = '#bdbdbd';

// Conventional pipeline colours (CJJ 61): water sky-blue, drainage brown,
// power red, telecom green, gas pink, heat orange.
export var UTILITY_COLOURS = {
  water: '#1f8fff',
  drainage: '#8b5a2b',
  power: '#e31a1c',
  telecom: '#2ca25f',
  gas: '#e754a0',
  heat: '#ff9900'
};

export var ROAD_WEIGHTS = {arterial: 7, secondary: 5, branch: 3};

export function roadStyle(props) {
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

export function networkStyle(props) {
  var colour = UTILITY_COLOURS[props.utility] || '#555555';
  var style = {color: colour, weight: 2.5, opacity: 0.95};
  if (props.status !== 'in_service') { style.dashArray = '7 5'; }
  return style;
}

// ---- status flags (DESIGN §4.2–4.4) ----

// Colour classes of the flags view, most severe first: a plot takes the first
// class that applies. Keep in step with the .pa-flag-badge colours in parkatlas-map.css.
export var FLAG_CLASSES = ['reclaim_due', 'idle', 'idle_government', 'idle_warning',
  'low_efficiency', 'conflict', 'none'];
export var HATCH_GOVERNMENT = 'pa-hatch-government';
export var FLAG_CLASS_COLOURS = {
  reclaim_due: '#67000d',
  idle: '#e31a1c',
  idle_government: 'url(#' + HATCH_GOVERNMENT + ')',  // red hatching on pink
  idle_warning: '#fd8d3c',
  low_efficiency: '#8e63b8',
  conflict: '#2f7fc1',
  none: '#ececec'
};
// What the legend shows for the hatched class (an SVG pattern cannot fill a span).
export var FLAG_CLASS_SWATCHES = {
  idle_government: 'repeating-linear-gradient(45deg, #e31a1c 0 2px, #fcbba1 2px 6px)'
};
export var DISPOSED_OUTLINE = {color: '#111111', weight: 2.6, opacity: 1, dashArray: '6 3'};
/** The colour class of a plot in the flags view; null when it was not evaluated. */
export function flagClass(props) {
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
export var SERVICED_CLASSES = ['serviced_7', 'serviced_5', 'serviced_3'];
export var SERVICED_NAMES = {serviced_7: '七通一平', serviced_5: '五通一平', serviced_3: '三通一平'};
export var READINESS_COLOURS = {
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
export var READINESS_STATE_ICONS = {
  available: 'fa-solid fa-circle-check',
  planned: 'fa-solid fa-clock',
  missing: 'fa-solid fa-circle-xmark'
};

/** The colour class of a plot in the readiness view; null when it was not evaluated. */
export function readinessClass(props) {
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

export var PLOT_BASE_STYLE = {color: '#5f5f5f', weight: 0.8, opacity: 0.9, fillOpacity: 0.72};
export var PLOT_HOVER_STYLE = {color: '#111111', weight: 2.5};
// Plots picked out by highlightPlots (e.g. those a planned segment would serve);
// while some are, the others fade.
export var PLOT_HIGHLIGHT_STYLE = {color: '#00bcd4', weight: 3, opacity: 1, fillOpacity: 0.9,
  dashArray: null};
export var PLOT_FADED_STYLE = {fillOpacity: 0.28, opacity: 0.5};

// Overlay stacking, bottom to top (panes nested in Leaflet's overlayPane).
export var PANES = {plots: 410, zones: 420, projects: 430, roads: 440, networks: 450, extra: 460};
