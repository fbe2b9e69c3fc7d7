/* The dashboard's charts (templates/dashboard.html): the 24-month trend of the rates and of
   the land awaiting supply or use, the land per zone and per stage, drawn with ECharts from
   the page's JSON config. Each chart keeps a PNG copy of itself beside it, which the print
   stylesheet shows instead of the canvas (a canvas prints blurred or not at all). */
(function () {
  'use strict';
  var node = document.getElementById('pa-dashboard-config');
  if (!node || !window.echarts) { return; }
  var config = JSON.parse(node.textContent);
  var charts = [];

  function draw(id, option) {
    var box = document.getElementById(id);
    if (!box) { return; }
    var chart = window.echarts.init(box, null, {renderer: 'canvas',
                                                locale: config.locale === 'en' ? 'EN' : 'ZH'});
    var copy = document.createElement('img');
    copy.className = 'pa-chart-print';
    copy.alt = box.getAttribute('aria-label') || '';
    box.parentNode.insertBefore(copy, box.nextSibling);
    chart.on('finished', function () {
      copy.src = chart.getDataURL({type: 'png', pixelRatio: 2, backgroundColor: '#fff'});
    });
    chart.setOption(option);
    charts.push(chart);
  }

  function round(v, digits) {
    return v === null || v === undefined ? null : Number(v.toFixed(digits));
  }

  function trend(keys, digits) {
    return {
      animation: false,
      tooltip: {trigger: 'axis'},
      legend: {top: 0, type: 'scroll'},
      grid: {left: 50, right: 20, top: 40, bottom: 30},
      xAxis: {type: 'category', data: config.months.map(function (d) { return d.slice(0, 7); })},
      yAxis: {type: 'value', scale: true},
      series: keys.map(function (key) {
        return {type: 'line', name: config.names[key] || key, connectNulls: false,
                data: (config.series[key] || []).map(function (v) { return round(v, digits); })};
      })
    };
  }

  draw('pa-chart-rates', trend(config.rates, 2));
  draw('pa-chart-areas', trend(config.areas, 1));
  draw('pa-chart-zones', {
    animation: false,
    tooltip: {trigger: 'axis'},
    legend: {top: 0},
    grid: {left: 60, right: 20, top: 40, bottom: 30},
    xAxis: {type: 'category', data: config.zones.codes},
    yAxis: {type: 'value'},
    series: config.zones.series.map(function (s) {
      return {type: 'bar', name: s[1],
              data: config.zones.rows.map(function (z) { return round(z[s[0]], 1); })};
    })
  });
  draw('pa-chart-stages', {
    animation: false,
    tooltip: {trigger: 'axis'},
    grid: {left: 60, right: 20, top: 20, bottom: 50},
    xAxis: {type: 'category', data: config.stages.names, axisLabel: {interval: 0, rotate: 30}},
    yAxis: {type: 'value'},
    series: [{type: 'bar', data: config.stages.area.map(function (v, i) {
      return {value: round(v, 1),
              itemStyle: {color: config.palette[config.stages.keys[i]] || '#999',
                          borderColor: '#555', borderWidth: 0.5}};
    })}]
  });

  window.addEventListener('resize', function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
  var print = document.getElementById('pa-print');
  if (print) { print.addEventListener('click', function () { window.print(); }); }
  var zone = document.getElementById('pa-zone');
  if (zone) { zone.addEventListener('change', function () { zone.form.submit(); }); }
}());
