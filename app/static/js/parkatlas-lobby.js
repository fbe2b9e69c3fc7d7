/**
 * ParkAtlas — the lobby screen (日日播, templates/lobby.html): rotates through the board,
 * the ranking and the battle map, each slide config.slide seconds;
 * fetches the board's JSON (GET /api/v1/board) every config.refresh seconds and rebuilds
 * the columns in place (no page reload; the old nodes are dropped whole, so an hour of
 * refreshes holds one board's worth of DOM). When the server cannot be reached it keeps
 * the last board and says since when. The battle map is the park map (app.maps) on this
 * page; the ranking is the content of the app's /ranking page, fetched and parsed (its
 * scripts dropped; no frames: every page refuses to be framed). Both are loaded again
 * when their slide comes up after FRAME_REFRESH seconds (or config.refresh, if longer).
 * Text only: the board's values are set with textContent.
 */
import {AuthRedirect, el, fetchJson, format} from './parkatlas-status.js';

var config = JSON.parse(document.getElementById('pa-lobby-config').textContent);
var root = document.getElementById('pa-lobby');
var boardEl = document.getElementById('pa-lobby-board');
var statusEl = document.getElementById('pa-lobby-status');
var clockEl = document.getElementById('pa-lobby-clock');
var slides = Array.prototype.slice.call(document.querySelectorAll('.pa-lobby-slide'));
var dots = Array.prototype.slice.call(document.querySelectorAll('.pa-lobby-dot'));
var MAX_CARDS = 12;  // per column, before fitting them to the screen
var FRAME_REFRESH = 600;
var current = -1;
var lastLoaded = null;
var refreshes = 0;

function msg(key) {
  return (config.messages && config.messages[key]) || key;
}

var numbers = new Intl.NumberFormat(config.locale === 'en' ? 'en' : 'zh-CN',
  {maximumFractionDigits: 0});

function money(x) {
  return x === null || x === undefined ? '—' : numbers.format(x);
}

function time(date) {
  var pad = function (n) { return (n < 10 ? '0' : '') + n; };
  return pad(date.getHours()) + ':' + pad(date.getMinutes()) + ':' + pad(date.getSeconds());
}

/** Black flags first, then by days behind: what the hall should see. */
function urgency(a, b) {
  return (a.flag === 'black' ? 0 : 1) - (b.flag === 'black' ? 0 : 1) ||
    (b.days_behind || 0) - (a.days_behind || 0) || String(a.code).localeCompare(b.code);
}

function card(c) {
  var node = el('article', 'pa-lobby-card pa-card-' + c.flag);
  node.setAttribute('data-project-id', c.id);
  node.setAttribute('data-flag', c.flag);
  node.appendChild(el('div', 'pa-lobby-card-name', c.name));
  if (c.company) { node.appendChild(el('div', 'pa-lobby-card-company', c.company)); }
  var flag = el('div', 'pa-lobby-card-flag');
  flag.appendChild(el('span', 'badge ' + (c.flag === 'black' ? 'text-bg-dark' : 'text-bg-danger'),
    msg('board.flag.' + c.flag)));
  if (c.days_behind) {
    flag.appendChild(el('span', 'pa-lobby-card-behind',
      format(msg('board.days_behind'), {days: c.days_behind})));
  }
  node.appendChild(flag);
  var progress = c.progress_pct === null || c.progress_pct === undefined ?
    msg('board.no_progress') : format(msg('board.progress'), {pct: Math.round(c.progress_pct)});
  node.appendChild(el('div', 'pa-lobby-card-facts', progress + ' · ' + format(
    msg('board.investment'), {done: money(c.completed_investment),
      planned: money(c.planned_investment)})));
  if (c.leader) {
    node.appendChild(el('div', 'pa-lobby-card-facts',
      format(msg('board.leader'), {name: c.leader})));
  }
  if (c.reasons && c.reasons.length) {
    node.appendChild(el('div', 'pa-lobby-card-reason',
      c.reasons[0][config.locale === 'en' ? 'en' : 'zh']));
  }
  return node;
}

function render(board) {
  var columns = document.createDocumentFragment();
  board.stages.forEach(function (column) {
    var col = el('section', 'pa-lobby-column');
    col.setAttribute('data-stage', column.stage);
    col.dataset.total = String(column.cards.length);
    var title = el('h2', null, msg('board.stage.' + column.stage));
    title.appendChild(el('span', 'badge text-bg-light', column.cards.length));
    col.appendChild(title);
    var cards = column.cards.slice().sort(urgency);
    cards.slice(0, MAX_CARDS).forEach(function (c) { col.appendChild(card(c)); });
    col.appendChild(el('div', 'pa-lobby-more', cards.length > MAX_CARDS ?
      '+' + (cards.length - MAX_CARDS) : (cards.length ? '' : msg('board.empty'))));
    columns.appendChild(col);
  });
  boardEl.replaceChildren(columns);
  boardEl.querySelectorAll('.pa-lobby-column').forEach(fit);
}

/** Drop the cards that do not fit in their column (the least urgent), and say how many. */
function fit(col) {
  var more = col.querySelector('.pa-lobby-more');
  var cards = col.querySelectorAll('.pa-lobby-card');
  var hidden = 0;
  for (var i = cards.length - 1; i > 0 && col.scrollHeight > col.clientHeight; i--) {
    cards[i].remove();
    hidden += 1;
    more.textContent = '+' + (hidden + Math.max(0, Number(col.dataset.total) - cards.length));
  }
}

function refresh() {
  return fetchJson(config.api + '/board?park=' + encodeURIComponent(config.park.id) +
    '&lang=' + (config.locale === 'en' ? 'en' : 'zh'), {login: config.urls.login,
    httpError: msg('error.http'), networkError: msg('error.network')})
    .then(function (board) {
      render(board);
      lastLoaded = new Date();
      refreshes += 1;
      statusEl.classList.remove('pa-offline');
      statusEl.textContent = format(msg('lobby.updated'), {time: time(lastLoaded)});
      root.setAttribute('data-refreshes', String(refreshes));
    }, function (err) {
      if (err instanceof AuthRedirect) { return; }
      statusEl.classList.add('pa-offline');
      statusEl.textContent = format(msg('lobby.offline'),
        {time: lastLoaded ? time(lastLoaded) : '—'});
    });
}

function stale(node) {
  return !node.dataset.loadedAt ||
    Date.now() - Number(node.dataset.loadedAt) > 1000 * Math.max(FRAME_REFRESH, config.refresh);
}

/** The ranking page's content (its <main>), parsed and adopted without its scripts. */
function loadRanking(box) {
  box.dataset.loadedAt = String(Date.now());
  return window.fetch(box.dataset.src, {credentials: 'same-origin',
    headers: {Accept: 'text/html'}}).then(function (resp) {
    if (!resp.ok) { throw new Error(String(resp.status)); }
    return resp.text();
  }).then(function (text) {
    var doc = new DOMParser().parseFromString(text, 'text/html');
    var main = doc.querySelector('main') || doc.body;
    main.querySelectorAll('script, form, nav').forEach(function (node) { node.remove(); });
    box.replaceChildren(document.importNode(main, true));
  }).catch(function () { box.dataset.loadedAt = ''; });
}

/** The battle map: fit it to its slide; reload its plots and cards when they are old. */
function refreshMap(box) {
  var pa = window.ParkAtlas && window.ParkAtlas.current;
  if (!pa) { return; }
  pa.map.invalidateSize();
  if (!box.dataset.loadedAt) {
    box.dataset.loadedAt = String(Date.now());
  } else if (stale(box)) {
    box.dataset.loadedAt = String(Date.now());
    pa.setAsOf(null);
  }
}

/** Show slide i (its content loaded again when it is old). */
function show(i) {
  current = i % slides.length;
  var slide = slides[current];
  slides.forEach(function (s) { s.classList.toggle('pa-active', s === slide); });
  dots.forEach(function (d) {
    d.classList.toggle('pa-active', d.dataset.slide === slide.dataset.slide);
  });
  root.setAttribute('data-slide', slide.dataset.slide);
  var ranking = slide.querySelector('#pa-lobby-ranking');
  if (ranking && stale(ranking)) { loadRanking(ranking); }
  var map = slide.querySelector('#pa-lobby-map');
  if (map) { refreshMap(map); }
}

setInterval(function () { clockEl.textContent = time(new Date()); }, 1000);
clockEl.textContent = time(new Date());
setInterval(refresh, 1000 * config.refresh);
setInterval(function () { show(current + 1); }, 1000 * config.slide);
show(0);
refresh();
