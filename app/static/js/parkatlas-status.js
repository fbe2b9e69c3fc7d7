/*
 * ParkAtlas (园区一张图) — what the pages that show plot status share: the map
 * (parkatlas-map.js), the idle land page and the infrastructure priority page.
 * An ES module (no bundler): page scripts import what they use; requests go
 * through http.js, re-exported here.
 *
 * No Leaflet here. Strings come from the page's messages (the server's i18n);
 * API text only ever reaches the page as textContent.
 */
export {AuthRedirect, fetchJson} from './http.js';

/** Create an element with an optional class and text (set as textContent). */
export function el(tag, className, text) {
  var node = document.createElement(tag);
  if (className) { node.className = className; }
  if (text !== undefined && text !== null) { node.textContent = String(text); }
  return node;
}

/** Fill {name} placeholders of a message. */
export function format(template, values) {
  return String(template).replace(/\{(\w+)\}/g, function (whole, key) {
    return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
  });
}

export function isBlank(value) {
  return value === undefined || value === null || value === '';
}

// Status flags (DESIGN §4.2–4.4) in display order, most severe first. Their
// badge colours are in parkatlas-map.css (by data-flag), as on the map.
export const FLAG_ORDER = ['reclaim_due', 'idle', 'idle_a', 'idle_b', 'idle_fee_due',
  'government_cause', 'idle_warning', 'idle_disposed', 'low_efficiency', 'zoning_conflict',
  'use_conflict', 'double_claim', 'approved_not_supplied', 'supplied_not_used'];

/** The flag a reason's rule raises (as the SQL function rule_flag does). */
export function ruleFlag(rule) {
  var r = String(rule || '');
  var fixed = {
    'idle.type_a': 'idle_a', 'idle.type_b': 'idle_b', 'idle.government_cause': 'government_cause',
    'idle.fee_due': 'idle_fee_due', 'idle.reclaim_due': 'reclaim_due',
    'idle.disposed': 'idle_disposed', 'conflict.double_claim': 'double_claim'
  };
  if (fixed[r]) { return fixed[r]; }
  if (r.indexOf('idle.warning') === 0) { return 'idle_warning'; }
  if (r.indexOf('land.') === 0) { return r.slice(5); }
  if (r.indexOf('low_efficiency') === 0) { return 'low_efficiency'; }
  if (r.indexOf('conflict.') === 0) { return r.slice(9) + '_conflict'; }
  return null;
}

export function flagRank(flag) {
  var i = FLAG_ORDER.indexOf(flag);
  return i < 0 ? FLAG_ORDER.length : i;
}

/** Flags sorted most severe first. */
export function sortFlags(flags) {
  return (flags || []).slice().sort(function (a, b) { return flagRank(a) - flagRank(b); });
}

/** A small coloured badge naming a status flag; msg(key) gives the UI strings. */
export function flagBadge(msg, flag) {
  var badge = el('span', 'pa-flag-badge', msg('flag.' + flag));
  badge.setAttribute('data-flag', flag);
  return badge;
}

/** A reason's ready-made sentence in the page's language ('zh' or 'en'). */
export function reasonText(lang, reason) {
  if (!reason) { return ''; }
  var text = String(lang).indexOf('en') === 0 ? reason.en : reason.zh;
  return isBlank(text) ? String(reason.zh || reason.en || reason.rule || '') : String(text);
}

/** A list of reasons, each marked with the colour of the flag its rule raises. */
export function reasonList(lang, reasons) {
  var list = el('ul', 'pa-reasons');
  (reasons || []).forEach(function (reason) {
    var item = el('li', 'pa-reason', reasonText(lang, reason));
    item.setAttribute('data-rule', String((reason && reason.rule) || ''));
    item.setAttribute('data-flag', ruleFlag(reason && reason.rule) || '');
    list.appendChild(item);
  });
  return list;
}

/** A messages lookup with English keys as the last resort. */
export function messages(dict, fallbacks) {
  return function (key) {
    if (dict && !isBlank(dict[key])) { return dict[key]; }
    return (fallbacks && fallbacks[key]) || key;
  };
}

/*
 * A table sorted by clicking its headers. Each <th data-sort="key"> gets a
 * button; columns[key] = {value(row) -> number | string | null, type:
 * 'number' | 'text'}. render(row) returns a <tr>. Blank values sort last both
 * ways; equal values keep the data's order.
 */
export function SortableTable(table, columns, render, options) {
  this.table = table;
  this.columns = columns;
  this.render = render;
  this.opts = options || {};
  this.rows = [];
  this.key = this.opts.key || null;
  this.dir = this.opts.dir || 'asc';
  this.collator = new window.Intl.Collator(this.opts.locale || undefined,
    {numeric: true, sensitivity: 'base'});
  var self = this;
  Array.prototype.forEach.call(table.querySelectorAll('th[data-sort]'), function (th) {
    var key = th.getAttribute('data-sort');
    var button = el('button', 'pa-sort-button');
    button.type = 'button';
    while (th.firstChild) { button.appendChild(th.firstChild); }
    button.appendChild(el('span', 'pa-sort-icon'));
    button.addEventListener('click', function () {
      self.sortBy(key, self.key === key && self.dir === 'asc' ? 'desc' : 'asc');
    });
    th.appendChild(button);
  });
}

SortableTable.prototype.setRows = function (rows) {
  this.rows = (rows || []).map(function (row, i) { return {row: row, i: i}; });
  this.draw();
};

SortableTable.prototype.sortBy = function (key, dir) {
  this.key = key;
  this.dir = dir === 'desc' ? 'desc' : 'asc';
  this.draw();
};

SortableTable.prototype.sorted = function () {
  var self = this;
  var col = this.columns[this.key];
  if (!col) { return this.rows.slice(); }
  var sign = this.dir === 'desc' ? -1 : 1;
  return this.rows.slice().sort(function (a, b) {
    var va = col.value(a.row);
    var vb = col.value(b.row);
    var blankA = isBlank(va) || (col.type === 'number' && !isFinite(Number(va)));
    var blankB = isBlank(vb) || (col.type === 'number' && !isFinite(Number(vb)));
    if (blankA || blankB) { return blankA === blankB ? a.i - b.i : (blankA ? 1 : -1); }
    var c = col.type === 'number' ? Number(va) - Number(vb)
      : self.collator.compare(String(va), String(vb));
    return c ? sign * c : a.i - b.i;
  });
};

SortableTable.prototype.draw = function () {
  var self = this;
  Array.prototype.forEach.call(this.table.querySelectorAll('th[data-sort]'), function (th) {
    var key = th.getAttribute('data-sort');
    if (key === self.key) {
      th.setAttribute('aria-sort', self.dir === 'desc' ? 'descending' : 'ascending');
    } else {
      th.removeAttribute('aria-sort');
    }
  });
  var body = this.table.tBodies[0] || this.table.appendChild(el('tbody'));
  var fragment = document.createDocumentFragment();
  this.sorted().forEach(function (entry) { fragment.appendChild(self.render(entry.row)); });
  while (body.firstChild) { body.removeChild(body.firstChild); }
  body.appendChild(fragment);
  if (this.opts.onDraw) { this.opts.onDraw(); }
};

/** The config a page embeds as <script type="application/json" id=...>. */
export function pageConfig(id) {
  var node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : {};
}

/** A number formatter for a locale and a fixed count of decimals. */
export function numberFormat(locale, decimals) {
  var nf = new window.Intl.NumberFormat(locale, {
    minimumFractionDigits: decimals, maximumFractionDigits: decimals
  });
  return function (value) {
    var n = Number(value);
    return isBlank(value) || !isFinite(n) ? '—' : nf.format(n);
  };
}

