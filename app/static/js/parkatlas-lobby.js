/**
 * ParkAtlas — the lobby screen (日日播, templates/lobby.html): rotates through the board,
 * the ranking (when the app has one) and the battle map, each slide config.slide seconds;
 * fetches the board's JSON (GET /api/v1/board) every config.refresh seconds and rebuilds
 * the columns in place (no page reload; the old nodes are dropped whole, so an hour of
 * refreshes holds one board's worth of DOM). When the server cannot be reached it keeps
 * the last board and says since when. The ranking and the map are the app's own pages
 * in frames, loaded when first shown and reloaded when shown again after FRAME_REFRESH
 * seconds (or config.refresh, if longer). Text only: every value is set with textContent.
 */
import {AuthRedirect, fetchJson} from './http.js';

var config = JSON.parse(document.getElementById('pa-lobby-config').textContent);
var root = document.getElementById('pa-lobby');
var boardEl = document.getElementById('pa-lobby-board');
var statusEl = document.getElementById('pa-lobby-status');
var clockEl = document.getElementById('pa-lobby-clock');
var slides = Array.prototype.slice.call(document.querySelectorAll('.pa-lobby-slide'));
var dots = Array.prototype.slice.call(document.querySelectorAll('.pa-lobby-dot'));
var CARDS_PER_COLUMN = 6;
var FRAME_REFRESH = 600;
var current = -1;
var lastLoaded = null;
var refreshes = 0;

function msg(key) {
  return (config.messages && config.messages[key]) || key;
}

function format(text, values) {
  return String(text).replace(/\{(\w+)\}/g, function (all, name) {
    return values[name] === undefined || values[name] === null ? '' : String(values[name]);
  });
}

function el(tag, cls, text) {
  var node = document.createElement(tag);
  if (cls) { node.className = cls; }
  if (text !== undefined && text !== null) { node.textContent = String(text); }
  return node;
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
  var facts = [c.company, msg('board.flag.' + c.flag)];
  if (c.days_behind) { facts.push(format(msg('board.days_behind'), {days: c.days_behind})); }
  facts.push(c.progress_pct === null || c.progress_pct === undefined ? msg('board.no_progress')
    : format(msg('board.progress'), {pct: Math.round(c.progress_pct)}));
  facts.push(format(msg('board.investment'), {done: money(c.completed_investment),
    planned: money(c.planned_investment)}));
  if (c.leader) { facts.push(format(msg('board.leader'), {name: c.leader})); }
  node.appendChild(el('div', 'pa-lobby-card-facts', facts.filter(Boolean).join(' · ')));
  if (c.reasons && c.reasons.length) {
    node.appendChild(el('div', 'pa-lobby-card-facts',
      c.reasons[0][config.locale === 'en' ? 'en' : 'zh']));
  }
  return node;
}

function render(board) {
  var columns = document.createDocumentFragment();
  board.stages.forEach(function (column) {
    var col = el('section', 'pa-lobby-column');
    col.setAttribute('data-stage', column.stage);
    var title = el('h2', null, msg('board.stage.' + column.stage));
    title.appendChild(el('span', 'badge text-bg-light', column.cards.length));
    col.appendChild(title);
    var cards = column.cards.slice().sort(urgency);
    cards.slice(0, CARDS_PER_COLUMN).forEach(function (c) { col.appendChild(card(c)); });
    if (cards.length > CARDS_PER_COLUMN) {
      col.appendChild(el('div', 'pa-lobby-more', '+' + (cards.length - CARDS_PER_COLUMN)));
    }
    if (!cards.length) { col.appendChild(el('div', 'pa-lobby-more', msg('board.empty'))); }
    columns.appendChild(col);
  });
  boardEl.replaceChildren(columns);
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

/** Show slide i; a frame is loaded when first shown, reloaded when it is old. */
function show(i) {
  current = i % slides.length;
  var slide = slides[current];
  slides.forEach(function (s) { s.classList.toggle('pa-active', s === slide); });
  dots.forEach(function (d) {
    d.classList.toggle('pa-active', d.dataset.slide === slide.dataset.slide);
  });
  root.setAttribute('data-slide', slide.dataset.slide);
  var frame = slide.querySelector('iframe');
  var now = Date.now();
  if (frame && (!frame.dataset.loadedAt ||
      now - Number(frame.dataset.loadedAt) > 1000 * Math.max(FRAME_REFRESH, config.refresh))) {
    frame.dataset.loadedAt = String(now);
    frame.src = frame.dataset.src;
  }
}

/** The map page in a frame: without its navigation bar (the hall has no use for it). */
function embed(frame) {
  frame.addEventListener('load', function () {
    var doc = frame.contentDocument;
    if (!doc || !doc.head) { return; }
    var style = doc.createElement('style');
    style.textContent = '.pa-navbar { display: none !important; }';
    doc.head.appendChild(style);
    var win = frame.contentWindow;
    if (win) { win.dispatchEvent(new win.Event('resize')); }
  });
}

document.querySelectorAll('.pa-lobby-slide iframe').forEach(embed);
setInterval(function () { clockEl.textContent = time(new Date()); }, 1000);
clockEl.textContent = time(new Date());
setInterval(refresh, 1000 * config.refresh);
setInterval(function () { show(current + 1); }, 1000 * config.slide);
show(0);
refresh();
