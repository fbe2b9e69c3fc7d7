/*
 * ParkAtlas map — Loading the layers from the JSON API (every page of each collection,
 * through http.js) and drawing them.
 */
import {AuthRedirect, fetchJson} from '../http.js';
import {format, isBlank} from './dom.js';

/** ParkMap methods of this part (parkatlas-map.js mixes them in). */
export const methods = {};

methods.apiUrl = function (path, params) {
  var url = new URL(this.cfg.api + path, window.location.href);
  Object.keys(params || {}).forEach(function (key) {
    if (!isBlank(params[key])) { url.searchParams.set(key, params[key]); }
  });
  return url.toString();
};

/** GET a JSON document (http.js: a 401 redirects to the login page). */
methods.fetchJson = function (url) {
  return fetchJson(url, {login: this.cfg.urls.login, httpError: this.msg('error.http'),
    networkError: this.msg('error.network')});
};

/** Fetch every page of a FeatureCollection, following links rel=next. */
methods.fetchAll = function (url) {
  var self = this;
  var features = [];
  var seen = {};
  var origin = window.location.origin;

  function page(pageUrl) {
    seen[pageUrl] = true;
    return self.fetchJson(pageUrl).then(function (fc) {
      var batch = (fc && fc.features) || [];
      for (var i = 0; i < batch.length; i++) { features.push(batch[i]); }
      var next = null;
      (fc.links || []).forEach(function (link) {
        if (link && link.rel === 'next' && link.href) { next = link.href; }
      });
      if (next) {
        next = new URL(next, pageUrl);
      } else if (typeof fc.numberMatched === 'number' && batch.length > 0 &&
                 features.length < fc.numberMatched) {
        // No link but more matched: page on with limit/offset.
        next = new URL(pageUrl);
        next.searchParams.set('offset', String(features.length));
      }
      // Only follow same-origin pages (the session cookie and the offline
      // promise both stop at this host), and never loop.
      if (next && next.origin === origin && batch.length > 0 && !seen[next.toString()]) {
        return page(next.toString());
      }
      return features;
    });
  }
  return page(url);
};

methods.loadAll = function () {
  var self = this;
  var park = this.cfg.park.id;
  var pageSize = this.cfg.pageSize || 5000;
  var jobs = [];
  var networkKeys = this.utilities.filter(function (u) { return self.geo['network.' + u]; });
  // On tiles (map/tiles.js) plots, roads, networks and projects come from the tiles: the GeoJSON
  // plot layer holds only picked plots, and the job below reads the data version.
  var tiled = Boolean(this.cfg.tiles);
  if (tiled) {
    jobs.push({key: null, label: 'layer.plots', run: function () {
      return self.readTileVersion().then(function () { self.createTileLayers(); });
    }});
  }

  if (this.geo.zones) {
    jobs.push({key: 'zones', label: 'layer.zones', url: this.apiUrl('/zones', {park: park})});
  }
  if (this.geo.plots && !tiled) {
    jobs.push({key: 'plots', label: 'layer.plots',
      url: this.apiUrl('/plots', {park: park, limit: pageSize, as_of: this.asOf})});
  }
  if (this.geo.projects && !tiled) {
    jobs.push({key: 'projects', label: 'layer.projects',
      url: this.apiUrl('/projects', {park: park})});
  }
  if (this.geo.roads && !tiled) {
    jobs.push({key: 'roads', label: 'layer.roads', url: this.apiUrl('/roads', {park: park})});
  }
  if (networkKeys.length && !tiled) {
    // One request for all utilities, split here.
    jobs.push({key: 'networks', label: 'legend.networks',
      url: this.apiUrl('/networks', {park: park})});
  }

  var done = 0;
  this.showLoading(done, jobs.length);
  return Promise.all(jobs.map(function (job) {
    var run = job.run ? job.run() : self.fetchAll(job.url).then(function (features) {
      self.setData(job.key, features);
    });
    return run.catch(function (err) {
      if (err instanceof AuthRedirect) { return; }
      var message = (err && err.message) || String(err);
      self.errors.push(format(self.msg('error.load'), {layer: self.msg(job.label),
        message: message}));
    }).then(function () {
      done += 1;
      self.showLoading(done, jobs.length);
    });
  })).then(function () {
    return self.preparePlotView();
  }).then(function () {
    self.hideLoading();
    if (self.errors.length) { self.showError(self.errors); }
    self.container.setAttribute('data-loaded', self.errors.length ? 'error' : 'true');
    self.map.fire('parkatlas:loaded', {errors: self.errors.slice()});
  });
};

methods.setData = function (key, features) {
  var self = this;
  var usable = features.filter(function (f) { return f && f.geometry; });
  if (key === 'networks') {
    this.utilities.forEach(function (u) {
      if (!self.geo['network.' + u]) { return; }
      self.data['network.' + u] = usable.filter(function (f) {
        return f.properties && f.properties.utility === u;
      });
      self.drawLayer('network.' + u);
    });
    return;
  }
  this.data[key] = usable;
  this.drawLayer(key);
  if (key === 'plots') {
    this.container.setAttribute('data-plot-count', String(usable.length));
    this.updateLegend();  // the legend counts the plots of each class
  }
};

methods.drawLayer = function (key) {
  var geo = this.geo[key];
  if (!geo) { return; }
  if (key === 'plots') { this.plotLayers = {}; }
  geo.clearLayers();
  if (this.data[key] && this.data[key].length) { geo.addData(this.data[key]); }
};
