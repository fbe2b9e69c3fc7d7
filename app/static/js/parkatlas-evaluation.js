/*
 * ParkAtlas (园区一张图) — the 亩均效益 page (/evaluation, issue 15 item 3).
 *
 * Colours the park map (ParkAtlas.current) by the class A/B/C/D of the enterprise each
 * operating plot belongs to, for the year and filters the page shows: the page embeds
 * the listed enterprises' plot ids and classes as JSON (#pa-evaluation-classes); a plot
 * of no listed enterprise is grey. Clicking a table row (not its link) picks out the
 * enterprise's plots on the map. Text only: no API string reaches innerHTML.
 */
import ParkAtlas from './parkatlas-map.js';

export var CLASS_COLOURS = {A: '#1a9641', B: '#a6d96a', C: '#fdae61', D: '#d7191c',
  none: '#7b3294', other: '#d9d9d9'};

var pa = ParkAtlas.current;
var data = JSON.parse(document.getElementById('pa-evaluation-classes').textContent);
var byPlot = {};
data.byPlot.forEach(function (ids, i) {
  (ids || []).forEach(function (id) { byPlot[String(id)] = data.classes[i] || 'none'; });
});

function classOf(props) { return byPlot[String(props.id)] || 'other'; }

ParkAtlas.registerPlotView('evaluation', {
  title: 'view.evaluation',
  style: function (props) {
    var cls = classOf(props);
    return {fillColor: CLASS_COLOURS[cls], fillOpacity: cls === 'other' ? 0.3 : 0.85};
  },
  legend: function (ctx) {
    var counts = {};
    Object.keys(byPlot).forEach(function (id) { counts[byPlot[id]] = (counts[byPlot[id]] || 0) + 1; });
    return ['A', 'B', 'C', 'D', 'none', 'other'].map(function (cls) {
      return {id: 'evaluation_' + cls, label: ctx.msg('evaluation.class.' + cls),
        fill: CLASS_COLOURS[cls], count: cls === 'other' ? null : counts[cls] || 0};
    });
  }
});

var table = document.getElementById('pa-evaluation-table');
if (table) {
  table.addEventListener('click', function (e) {
    var row = e.target.closest('tr[data-plots]');
    if (!row || e.target.closest('a')) { return; }
    Array.prototype.forEach.call(table.querySelectorAll('tr.pa-selected'), function (r) {
      r.classList.remove('pa-selected');
    });
    row.classList.add('pa-selected');
    var ids = row.getAttribute('data-plots').split(',').filter(Boolean);
    pa.highlightPlots(ids).then(function (layers) {
      if (layers.length) {
        var bounds = layers[0].getBounds();
        layers.forEach(function (layer) { bounds.extend(layer.getBounds()); });
        pa.map.fitBounds(bounds, {maxZoom: 17, padding: [30, 30]});
      }
    });
  });
}

// Project outlines would hide the classes of the plots beneath them.
if (pa.groups.projects && pa.map.hasLayer(pa.groups.projects)) {
  pa.map.removeLayer(pa.groups.projects);
}
if (!new URLSearchParams(window.location.search).get('view')) {
  ParkAtlas.whenLoaded(pa).then(function () { return pa.setPlotView('evaluation'); });
}

window.ParkAtlasEvaluation = {byPlot: byPlot};
