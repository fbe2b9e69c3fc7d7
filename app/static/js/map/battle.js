/*
 * ParkAtlas map — the battle-map view (挂图作战, issue 12 item 4): each project's plots
 * coloured by the project's flag (black: behind; red: on schedule; grey: no project),
 * labelled with the project name from zoom BATTLE_LABEL_ZOOM, and the plot's popup
 * opening with the project's card (company, stage, investment, progress, days behind,
 * the flag's reasons, leader) and a link to the project page. The cards come from the
 * board's JSON (GET /api/v1/board, as of the map's date); only staff maps get the view
 * (config.battle). Text only: every value is set with textContent.
 */
import {el, format, isBlank} from './dom.js';
const L = window.L;

/** ParkMap methods of this part (parkatlas-map.js mixes them in). */
export const methods = {};

export var BATTLE_COLOURS = {black: '#1b1b1b', red: '#d7191c', none: '#bdbdbd'};
export var BATTLE_LABEL_ZOOM = 15;

/** The project cards of a plot: a black flag first, then by days behind. */
function cardsOf(ctx, props) {
  var battle = ctx.map.battle;
  return (battle && battle.byPlot[String(props.id)]) || [];
}

export var BATTLE_VIEW = {
  title: 'view.battle',
  prepare: function (ctx) { return ctx.map.loadBattle(); },
  style: function (props, ctx) {
    var cards = cardsOf(ctx, props);
    if (!cards.length) { return {fillColor: BATTLE_COLOURS.none, fillOpacity: 0.35}; }
    return {fillColor: BATTLE_COLOURS[cards[0].flag], fillOpacity: 0.8};
  },
  legend: function (ctx) {
    var counts = {black: 0, red: 0, none: 0};
    ((ctx.map && ctx.map.data.plots) || []).forEach(function (f) {
      var cards = cardsOf(ctx, f.properties || {});
      counts[cards.length ? cards[0].flag : 'none'] += 1;
    });
    return ['black', 'red', 'none'].map(function (flag) {
      return {id: 'battle_' + flag, label: ctx.msg('board.flag.' + flag),
        fill: BATTLE_COLOURS[flag], count: ctx.map.cfg.tiles ? null : counts[flag]};
    });
  }
};

function urgency(a, b) {
  return (a.flag === 'black' ? 0 : 1) - (b.flag === 'black' ? 0 : 1) ||
    (b.days_behind || 0) - (a.days_behind || 0);
}

/** Fetch the cards as of the map's date and index them by plot. */
methods.loadBattle = function () {
  var self = this;
  return this.fetchJson(this.apiUrl('/board', {park: this.cfg.park.id, as_of: this.asOf,
    lang: this.locale === 'en' ? 'en' : 'zh'}))
    .then(function (board) {
      var byPlot = {};
      var cards = [];
      board.stages.forEach(function (column) {
        column.cards.forEach(function (card) {
          cards.push(card);
          (card.plot_ids || []).forEach(function (id) {
            (byPlot[String(id)] = byPlot[String(id)] || []).push(card);
          });
        });
      });
      Object.keys(byPlot).forEach(function (id) { byPlot[id].sort(urgency); });
      self.battle = {byPlot: byPlot, cards: cards};
      self.updateBattleLabels();
    });
};

/** One label per project (its name) on its largest plot in view, from the label zoom. */
methods.updateBattleLabels = function () {
  if (!this.battleLabels) {
    var self = this;
    this.battleLabels = L.layerGroup().addTo(this.map);
    this.map.on('zoomend moveend parkatlas:plotview', function () { self.updateBattleLabels(); });
  }
  this.battleLabels.clearLayers();
  if (this.plotView !== 'battle' || !this.battle || !this.geo.plots ||
      this.map.getZoom() < BATTLE_LABEL_ZOOM) {
    this.container.setAttribute('data-battle-labels', '0');
    return;
  }
  var bounds = this.map.getBounds().pad(0.1);
  var best = {};
  var battle = this.battle;
  this.geo.plots.eachLayer(function (layer) {
    var p = layer.feature && layer.feature.properties;
    if (!p || !bounds.intersects(layer.getBounds())) { return; }
    var size = (p.area_m2 || 0);
    (battle.byPlot[String(p.id)] || []).forEach(function (card) {
      if (!best[card.id] || best[card.id].size < size) {
        best[card.id] = {size: size, layer: layer, card: card};
      }
    });
  });
  var labels = this.battleLabels;
  Object.keys(best).forEach(function (id) {
    var found = best[id];
    var text = el('span', 'pa-battle-label-text pa-battle-' + found.card.flag, found.card.name);
    L.marker(found.layer.getBounds().getCenter(), {interactive: false, keyboard: false,
      icon: L.divIcon({className: 'pa-battle-label', html: text, iconSize: null})})
      .addTo(labels);
  });
  this.container.setAttribute('data-battle-labels', String(Object.keys(best).length));
};

/** The battle view's part of a plot's popup: its projects' cards; null outside the view. */
methods.battlePopup = function (props) {
  if (this.plotView !== 'battle' || !this.battle) { return null; }
  var cards = this.battle.byPlot[String(props.id)] || [];
  if (!cards.length) { return null; }
  var self = this;
  var box = el('div', 'pa-popup-battle');
  cards.forEach(function (card) {
    var section = el('section', 'pa-battle-card pa-card-' + card.flag);
    section.setAttribute('data-project-id', card.id);
    section.appendChild(el('div', 'pa-battle-card-name', card.name));
    var money = function (x) { return isBlank(x) ? '—' : self.number(x, 0); };
    var lines = [
      [card.code, card.company],
      [self.msg('board.stage.' + card.stage), self.msg('board.flag.' + card.flag),
        card.days_behind ? format(self.msg('board.days_behind'), {days: card.days_behind})
          : null],
      [isBlank(card.progress_pct) ? self.msg('board.no_progress')
        : format(self.msg('board.progress'), {pct: self.number(card.progress_pct, 0)}),
      format(self.msg('board.investment'), {done: money(card.completed_investment),
        planned: money(card.planned_investment)})],
      [card.leader ? format(self.msg('board.leader'), {name: card.leader}) : null]];
    lines.forEach(function (parts) {
      var text = parts.filter(function (f) { return !isBlank(f); }).join(' · ');
      if (text) { section.appendChild(el('div', 'pa-battle-card-fact', text)); }
    });
    var reasons = el('ul', 'pa-flag-reasons');
    (card.reasons || []).forEach(function (r) {
      reasons.appendChild(el('li', null, r[self.locale === 'en' ? 'en' : 'zh']));
    });
    if (reasons.childNodes.length) { section.appendChild(reasons); }
    if (self.cfg.battle.project) {
      var link = el('a', 'pa-battle-card-link', self.msg('battle.open'));
      link.href = self.cfg.battle.project.replace('{id}', encodeURIComponent(card.id));
      section.appendChild(link);
    }
    box.appendChild(section);
  });
  return box;
};
