/*
 * ParkAtlas (园区一张图) — the idle land page (/idle, DESIGN §4.2).
 *
 * Loads GET /api/v1/idle?park=&as_of= and shows the idle and soon-idle plots in
 * a table sorted by clicking its headers (default: days left, ascending). The
 * as_of date reloads the data without leaving the page. Every API string is
 * inserted as text.
 */
import * as S from './parkatlas-status.js';

var el = S.el;
var format = S.format;
var isBlank = S.isBlank;

var cfg = S.pageConfig('pa-idle-config');
var msg = S.messages(cfg.messages, {
  'idle.overdue': '{days} days overdue',
  'idle.count': '{count} plots, {area} mu, as of {date}'
});
var lang = cfg.locale === 'en' ? 'en' : 'zh-CN';
var mu = S.numberFormat(lang, 2);
var integer = S.numberFormat(lang, 0);

var table = document.getElementById('pa-idle-table');
var summary = document.getElementById('pa-idle-summary');
var errorBox = document.getElementById('pa-idle-error');
var form = document.getElementById('pa-idle-form');
var asOfInput = document.getElementById('pa-idle-asof');

/**
 * Days until the next legal deadline (as the API sorts): the 1-year mark (idle) while it is ahead, else
 * to the 2-year mark (reclaim); negative once both are past (overdue).
 */
function daysLeft(row) {
  var d1 = row.days_to_1y;
  var d2 = row.days_to_2y;
  if (!isBlank(d1) && d1 > 0) { return {days: d1, mark: '1y'}; }
  if (!isBlank(d2)) { return {days: d2, mark: '2y'}; }
  return isBlank(d1) ? {days: null, mark: null} : {days: d1, mark: '1y'};
}

function causeText(row) {
  var parts = [];
  if (!isBlank(row.government_cause)) {
    parts.push(format(msg('idle.government_cause'), {cause: msg('cause.' + row.government_cause)}));
  }
  if (!isBlank(row.disposal)) {
    parts.push(format(msg('idle.disposed'), {disposal: msg('disposal.' + row.disposal),
      date: isBlank(row.disposal_on) ? '—' : row.disposal_on}));
  }
  return parts;
}

function projectText(row) {
  return (row.projects || []).map(function (p) {
    return [p.code, p.name].filter(function (x) { return !isBlank(x); }).join(' ');
  }).join('; ');
}

function url(template, id) {
  return String(template).replace('{id}', encodeURIComponent(String(id)));
}

var COLUMNS = {
  code: {type: 'text', value: function (r) { return r.code; }},
  zone: {type: 'text', value: function (r) { return r.zone; }},
  owner: {type: 'text', value: function (r) { return r.owner; }},
  land_user: {type: 'text', value: function (r) { return r.land_user; }},
  area_mu: {type: 'number', value: function (r) { return r.area_mu; }},
  agreed_start_on: {type: 'text', value: function (r) { return r.agreed_start_on; }},
  mark_1y: {type: 'text', value: function (r) { return r.mark_1y; }},
  mark_2y: {type: 'text', value: function (r) { return r.mark_2y; }},
  days_left: {type: 'number', value: function (r) { return daysLeft(r).days; }},
  flags: {type: 'number', value: function (r) {
    var flags = S.sortFlags(r.flags);
    return flags.length ? S.flagRank(flags[0]) : null;
  }},
  cause: {type: 'text', value: function (r) { return causeText(r).join('; ') || null; }},
  projects: {type: 'text', value: function (r) { return projectText(r) || null; }}
};

function cell(text, className) {
  return el('td', className || null, isBlank(text) ? '—' : text);
}

function renderRow(row) {
  var tr = el('tr');
  tr.setAttribute('data-plot-id', String(row.id));
  var flags = S.sortFlags(row.flags);
  if (flags.length) { tr.setAttribute('data-flag', flags[0]); }

  var code = el('td', 'pa-col-code');
  var link = el('a', null, row.code);
  link.href = url(cfg.urls.plot, row.id);
  code.appendChild(link);
  if (!isBlank(row.name)) { code.appendChild(el('div', 'small text-muted', row.name)); }
  tr.appendChild(code);
  tr.appendChild(cell(row.zone));
  tr.appendChild(cell(row.owner, 'pa-col-owner'));
  var user = cell(row.land_user, 'pa-col-land-user');
  if (!isBlank(row.contract_no)) { user.appendChild(el('div', 'small text-muted', row.contract_no)); }
  tr.appendChild(user);
  tr.appendChild(cell(mu(row.area_mu), 'text-end pa-num'));
  tr.appendChild(cell(row.agreed_start_on, 'pa-date'));
  tr.appendChild(cell(row.mark_1y, 'pa-date'));
  tr.appendChild(cell(row.mark_2y, 'pa-date'));

  var left = daysLeft(row);
  var days = el('td', 'text-end pa-num pa-days-left');
  days.setAttribute('data-days', isBlank(left.days) ? '' : String(left.days));
  if (isBlank(left.days)) {
    days.textContent = '—';
  } else if (left.days < 0) {
    days.classList.add('pa-overdue');
    days.textContent = format(msg('idle.overdue'), {days: integer(-left.days)});
  } else {
    days.textContent = integer(left.days);
  }
  if (left.mark) { days.title = msg(left.mark === '1y' ? 'idle.col.mark_1y' : 'idle.col.mark_2y'); }
  tr.appendChild(days);

  var flagCell = el('td', 'pa-col-flags');
  var reasons = row.reasons || [];
  flags.forEach(function (flag) {
    var badge = S.flagBadge(msg, flag);
    // The reasons behind the flag as its tooltip (plain text).
    var why = reasons.filter(function (r) { return S.ruleFlag(r && r.rule) === flag; })
      .map(function (r) { return S.reasonText(cfg.locale, r); });
    if (why.length) { badge.title = why.join('\n'); }
    flagCell.appendChild(badge);
  });
  tr.appendChild(flagCell);

  var cause = el('td', 'pa-col-cause');
  var causes = causeText(row);
  if (causes.length) {
    causes.forEach(function (text) { cause.appendChild(el('div', null, text)); });
  } else {
    cause.textContent = '—';
  }
  tr.appendChild(cause);
  tr.appendChild(cell(projectText(row), 'pa-col-projects'));

  var mapCell = el('td');
  var mapLink = el('a', 'pa-map-link', msg('idle.map_link'));
  var href = url(cfg.urls.map, row.id);
  if (state.asOf) { href += '&as_of=' + encodeURIComponent(state.asOf); }
  mapLink.href = href;
  mapLink.title = msg('idle.col.map') + ' · ' + (row.code || '');
  mapCell.appendChild(mapLink);
  tr.appendChild(mapCell);
  return tr;
}

var state = {asOf: null, token: 0};
var sorter = new S.SortableTable(table, COLUMNS, renderRow,
  {key: 'days_left', dir: 'asc', locale: lang});

function showError(text) {
  errorBox.textContent = text || '';
  errorBox.hidden = !text;
}

function load(asOf) {
  var token = ++state.token;
  state.asOf = asOf || null;
  table.setAttribute('data-loaded', 'false');
  summary.textContent = msg('loading');
  showError('');
  var api = new URL(cfg.api + '/idle', window.location.href);
  api.searchParams.set('park', String(cfg.park.id));
  if (state.asOf) { api.searchParams.set('as_of', state.asOf); }
  return S.fetchJson(api.toString(), {login: cfg.urls.login, httpError: msg('error.http'),
    networkError: msg('error.network')}).then(function (data) {
    if (token !== state.token) { return; }
    var rows = (data && data.plots) || [];
    sorter.setRows(rows);
    var area = rows.reduce(function (sum, r) { return sum + (Number(r.area_mu) || 0); }, 0);
    summary.textContent = rows.length ? format(msg('idle.count'), {count: rows.length,
      area: mu(area), date: data.evaluated_on || state.asOf || ''}) : msg('idle.empty');
    if (!asOfInput.value && data.evaluated_on) { asOfInput.value = data.evaluated_on; }
    table.setAttribute('data-loaded', 'true');
    table.setAttribute('data-evaluated-on', String(data.evaluated_on || ''));
  }).catch(function (err) {
    if (err instanceof S.AuthRedirect || token !== state.token) { return; }
    summary.textContent = '';
    showError(format(msg('error.load'), {layer: msg('idle.title'),
      message: (err && err.message) || String(err)}));
    table.setAttribute('data-loaded', 'error');
  });
}

function applyDate() {
  var value = asOfInput.value;
  if (value && !/^\d{4}-\d{2}-\d{2}$/.test(value)) { return; }
  var here = new URL(window.location.href);
  if (value) { here.searchParams.set('as_of', value); } else { here.searchParams.delete('as_of'); }
  window.history.replaceState(null, '', here.toString());
  load(value);
}

form.addEventListener('submit', function (e) {
  e.preventDefault();
  applyDate();
});
asOfInput.addEventListener('change', applyDate);

var initial = new URLSearchParams(window.location.search).get('as_of');
load(/^\d{4}-\d{2}-\d{2}$/.test(initial || '') ? initial : null);

window.ParkAtlasIdle = {load: load, sorter: sorter};
