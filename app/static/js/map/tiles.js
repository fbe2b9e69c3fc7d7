/*
 * ParkAtlas map — plots, roads, networks and projects from vector tiles (issue 14), when
 * the server chose them for this park (config.tiles; app/maps.py use_tiles decides,
 * nowhere else).
 *
 * Leaflet.VectorGrid (npm leaflet.vectorgrid, served from static/vendor) draws the MVT
 * tiles of GET <base>/<version>/<layer>/{z}/{x}/{y}.mvt on canvas, styled by the tiles'
 * attributes with the same thematic views as the GeoJSON layers (map/views.js). A layer
 * whose group is hidden is not on the map, so its tiles are never asked for. Every edit
 * bumps the park's data version: after an edit (or a 409) the page reads
 * <base>/version again and swaps the tile URLs, so nothing stale shows.
 *
 * The GeoJSON plot layer stays, holding only the plots the page picked: a clicked plot
 * (fetched whole from /plots/<id> for its popup), a search hit, the highlighted plots and,
 * while an editing tool is on, the plots of the view. Popups, search, highlighting and the
 * editor work on it unchanged.
 *
 * Clicks: the tiles' canvases take no pointer events (stacked canvas tiles would each
 * swallow the clicks meant for the layers below, and VectorGrid 1.3.0's own click handler
 * calls L.DomEvent.fakeStop, which Leaflet 1.9 no longer has). A click on the map is
 * tested here against the drawn features of the shown layers, top first: networks, roads,
 * project outlines, plots.
 *
 * While Gaode (GCJ-02) is the basemap, each tile is moved by the GCJ-02 offset of its
 * top-left corner (_getTilePos, and the hit test and labels with it) and stretched to its
 * neighbours' moved corners: the offset changes by a few metres per kilometre, about a
 * pixel across a tile at zoom 18, so a tile is never out by more than a pixel.
 */
import {Gcj02} from './basemaps.js';
import {
  HATCH_GOVERNMENT, PLOT_HIGHLIGHT_STYLE, UTILITY_COLOURS, networkStyle, roadStyle
} from './styles.js';
import {AuthRedirect} from '../http.js';
import {isBlank} from './dom.js';
import {middleOfLine} from './viewstate.js';

const L = window.L;

/** ParkMap methods of this part (parkatlas-map.js mixes them in). */
export const methods = {};

var TILE_PANE_Z = 405;  // below the GeoJSON plots (410), which hold the picked plots
var SELECTED_OUTLINE = {color: PLOT_HIGHLIGHT_STYLE.color, weight: 3, opacity: 1};

/** A VectorGrid.Protobuf whose tiles can be moved by an offset (GCJ-02 on Gaode). */
var ShiftableTiles = L.VectorGrid && L.VectorGrid.Protobuf.extend({
  // Leaflet 1.9's GridLayer.redraw (and so setUrl) takes the map's zoom as the tiles' zoom
  // unrounded: at zoom 14.5 (the map snaps to halves) it would ask for tile z=14.5.
  _clampZoom: function (zoom) {
    return L.GridLayer.prototype._clampZoom.call(this, Math.round(zoom));
  },

  _getTilePos: function (coords) {
    var pos = L.GridLayer.prototype._getTilePos.call(this, coords);
    var shift = this.options.shift(coords);
    return shift ? pos.add(shift) : pos;
  },

  createTile: function (coords, done) {
    var tile = L.VectorGrid.prototype.createTile.call(this, coords, done);
    tile.paCoords = coords;
    return tile;
  },

  _initTile: function (tile) {
    L.GridLayer.prototype._initTile.call(this, tile);
    var size = tile.paCoords && this.options.shiftedSize(tile.paCoords);
    if (size) {
      tile.style.width = size.x + 'px';
      tile.style.height = size.y + 'px';
    }
  },

  // the tiles that cover the view once moved: those of the view moved back
  _getTiledPixelBounds: function (center) {
    var bounds = L.GridLayer.prototype._getTiledPixelBounds.call(this, center);
    var z = this._tileZoom;
    var shift = this.options.shiftAt(this._map.project(center, z), z);
    return shift ? L.bounds(bounds.min.subtract(shift), bounds.max.subtract(shift)) : bounds;
  }
});

/** The tiles' attributes as the views read them: MVT has no lists, so a plot's flags
 * arrive comma-joined ("" for none). */
export function tileProps(props) {
  var p = L.extend({}, props);
  if (typeof p.flags === 'string') { p.flags = p.flags ? p.flags.split(',') : []; }
  return p;
}

/** A layer's tile URL template at the current version; the plots' as of the page's date
 * (?as_of=, in the URL so that the browser's cache and the ETag tell the dates apart). */
methods.tileUrl = function (layer) {
  var url = this.cfg.tiles.base + '/' + encodeURIComponent(String(this.tileVersion)) + '/' +
    layer + '/{z}/{x}/{y}.mvt';
  return layer === 'plots' && this.asOf ? url + '?as_of=' + encodeURIComponent(this.asOf) : url;
};

/** GET the park's current data version. */
methods.readTileVersion = function () {
  var self = this;
  return this.fetchJson(this.cfg.tiles.base + '/version').then(function (doc) {
    self.tileVersion = doc && doc.version;
    self.container.setAttribute('data-tile-version', String(self.tileVersion));
    return self.tileVersion;
  });
};

/** The GCJ-02 offset (pixels at zoom z) of a projected point while overlays are in
 * GCJ-02; null otherwise. */
methods.gcjOffset = function (point, z) {
  if (!this.gcj) { return null; }
  var wgs = this.map.unproject(point, z);
  var gcj = Gcj02.fromWgs84(wgs.lng, wgs.lat);
  return this.map.project(L.latLng(gcj[1], gcj[0]), z).subtract(point);
};

/** The offset of a tile corner (tile x, y at zoom z), in whole pixels. */
methods.cornerShift = function (x, y, z) {
  var shift = this.gcjOffset(L.point(x * 256, y * 256), z);
  return shift && shift.round();
};

/** The offset of a tile: its top-left corner's. */
methods.tileShift = function (coords) {
  return this.cornerShift(coords.x, coords.y, coords.z);
};

/**
 * The drawn size of a moved tile: up to its neighbours' moved corners, so that tiles moved
 * by offsets a pixel apart leave no seam (a tile stretches by at most a pixel).
 */
methods.shiftedTileSize = function (coords) {
  var at = this.tileShift(coords);
  if (!at) { return null; }
  var right = this.cornerShift(coords.x + 1, coords.y, coords.z);
  var below = this.cornerShift(coords.x, coords.y + 1, coords.z);
  return L.point(256 + right.x - at.x, 256 + below.y - at.y);
};

/** A canvas for the government-cause hatching (SVG patterns cannot fill a canvas). */
function hatchPattern() {
  var canvas = document.createElement('canvas');
  canvas.width = 8;
  canvas.height = 8;
  var ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fcbba1';
  ctx.fillRect(0, 0, 8, 8);
  ctx.strokeStyle = '#e31a1c';
  ctx.lineWidth = 2.5;
  ctx.beginPath();
  ctx.moveTo(-2, 10);
  ctx.lineTo(10, -2);
  ctx.moveTo(-2, 2);
  ctx.lineTo(2, -2);
  ctx.moveTo(6, 10);
  ctx.lineTo(10, 6);
  ctx.stroke();
  return ctx.createPattern(canvas, 'repeat');
}

/** A plot's style in a tile: its view's (map/views.js), filled on canvas. */
methods.tilePlotStyle = function (props) {
  var style = this.plotStyle({properties: tileProps(props)}, true);
  style.fill = true;
  if (typeof style.fillColor === 'string' && style.fillColor.indexOf('url(#' +
      HATCH_GOVERNMENT) === 0) {
    this.hatch = this.hatch || hatchPattern();
    style.fillColor = this.hatch;
  }
  return style;
};

function networkTileStyle(utility) {
  return function (props) {
    if (props.utility !== utility) { return []; }  // another utility's group draws it
    // points (facilities) are filled circles; VectorGrid never fills a line
    var inService = props.status === 'in_service';
    return L.extend(networkStyle(props), {radius: 6, fill: true,
      fillColor: UTILITY_COLOURS[props.utility] || '#555555', fillOpacity: inService ? 0.95 : 0.45});
  };
}

/** The tile layers of the shown groups; made once the version is known. */
methods.createTileLayers = function () {
  var self = this;
  var pane = this.map.getPane('pa-plot-tiles') ||
    this.map.createPane('pa-plot-tiles', this.map.getPane('overlayPane'));
  pane.style.zIndex = String(TILE_PANE_Z);
  this.tileLayers = {};
  var make = function (layer, group, paneName, styles) {
    var options = {
      pane: paneName,
      rendererFactory: function (coords, size, opts) {
        var renderer = L.canvas.tile(coords, size, opts);
        renderer.getContainer().style.pointerEvents = 'none';  // clicks: tileClicked
        return renderer;
      },
      tolerance: 3,  // px around a line or point that still hits it
      shift: function (coords) { return self.tileShift(coords); },
      shiftAt: function (point, z) { return self.gcjOffset(point, z); },
      shiftedSize: function (coords) { return self.shiftedTileSize(coords); },
      vectorTileLayerStyles: styles,
      interactive: true,
      // a low-zoom plot feature of many plots (app/tiles/tile.py MERGE_MAX_ZOOM) has no id
      // of its own: keyed by its MVT id; a click on it asks the API for the plot (openPlotAt)
      getFeatureId: function (f) {
        return isBlank(f.properties.id) ? 'merged:' + f.id : f.properties.id;
      },
      fetchOptions: {credentials: 'same-origin'},
      // the zooms the server makes tiles for: outside them the layer asks for nothing
      minZoom: self.cfg.tiles.minZoom,
      maxZoom: self.cfg.tiles.maxZoom
    };
    var tiles = new ShiftableTiles(self.tileUrl(layer), options);
    tiles.paLayer = layer;
    tiles.on('tileload', function () { self.tileLoaded(layer); });
    tiles.on('load', function () {
      self.container.setAttribute('data-tiles-' + layer, 'loaded');
      if (layer !== 'networks') { self.updateLabels(); }
    });
    tiles.on('loading', function () {
      self.container.setAttribute('data-tiles-' + layer, 'loading');
    });
    tiles.addTo(group);
    return tiles;
  };
  this.map.on('click', function (e) { self.tileClicked(e); });
  if (this.groups.plots) {
    this.tileLayers.plots = make('plots', this.groups.plots, 'pa-plot-tiles',
      {plots: function (props) { return self.tilePlotStyle(props); }});
  }
  if (this.groups.roads) {
    this.tileLayers.roads = make('roads', this.groups.roads, 'pa-roads',
      {roads: function (props) { return roadStyle(props); }});
  }
  if (this.groups.projects) {
    this.tileLayers.projects = make('projects', this.groups.projects, 'pa-projects',
      {projects: {color: '#6a1b9a', weight: 3, opacity: 0.95, fill: false}});
  }
  this.utilities.forEach(function (utility) {
    var group = self.groups['network.' + utility];
    if (!group) { return; }
    self.tileLayers['network.' + utility] = make('networks', group, 'pa-networks',
      {networks: networkTileStyle(utility)});
  });
};

/**
 * Each drawn tile feature of a shown tile layer at the current zoom: fn(feature, toLatLng)
 * with toLatLng(point in tile pixels) -> LatLng.
 */
methods.eachTileFeature = function (key, fn) {
  var tiles = this.tileLayers && this.tileLayers[key];
  if (!tiles || !this.map.hasLayer(tiles) || !tiles._vectorTiles) { return; }
  var self = this;
  var size = tiles.getTileSize();
  Object.keys(tiles._vectorTiles).forEach(function (tileKey) {
    var renderer = tiles._vectorTiles[tileKey];
    var coords = renderer.getCoord();
    if (coords.z !== tiles._tileZoom || !renderer._features) { return; }
    var origin = coords.scaleBy(size).add(self.tileShift(coords) || L.point(0, 0));
    var toLatLng = function (point) { return self.map.unproject(origin.add(point), coords.z); };
    Object.keys(renderer._features).forEach(function (id) {
      fn(renderer._features[id].feature, toLatLng);
    });
  });
};

/**
 * The labels of the tiles' plots (code), projects and roads (name) in view, into `wanted` as
 * viewstate.js's updateLabels takes them: a plot cut by tile edges is labelled once, on
 * its largest piece; a road on its longest.
 */
methods.tileLabels = function (wanted, bounds, zoom) {
  if (!this.tileLayers) { return; }
  var best = {};
  var consider = function (key, size, at, text, className) {
    if (!bounds.contains(at) || (best[key] && best[key].size >= size)) { return; }
    best[key] = {size: size, at: at, text: text, className: className};
  };
  // an area's label keyed as viewstate.js keys a picked plot's ('plot:<code>'): one label
  var areas = function (key, keyField, field, className) {
    return function (feat, toLatLng) {
      var p = feat.properties || {};
      var b = feat._pxBounds;
      if (isBlank(p[field]) || !b) { return; }
      var extent = b.getSize();
      consider(key + ':' + p[keyField], extent.x * extent.y, toLatLng(b.getCenter()),
        p[field], className);
    };
  };
  if (zoom >= (this.cfg.plotLabelZoom || 16)) {
    this.eachTileFeature('plots', areas('plot', 'code', 'code', 'pa-plot-label'));
  }
  if (zoom >= (this.cfg.projectLabelZoom || 16)) {
    this.eachTileFeature('projects', areas('project', 'id', 'name', 'pa-project-label'));
  }
  if (zoom >= (this.cfg.roadLabelZoom || 15)) {
    this.eachTileFeature('roads', function (feat, toLatLng) {
      var p = feat.properties || {};
      if (isBlank(p.name) || !feat._parts) { return; }
      var line = feat._parts.map(function (part) { return part.map(toLatLng); });
      var at = middleOfLine(line);
      var b = feat._pxBounds;
      var extent = b ? b.getSize() : L.point(0, 0);
      if (at) {
        consider('road:' + (isBlank(p.id) ? p.name : p.id), extent.x + extent.y, at, p.name,
          'pa-road-label');
      }
    });
  }
  Object.keys(best).forEach(function (key) {
    var b = best[key];
    // the label keeps its place while the same piece stays the largest (no flicker)
    wanted[key] = {at: b.at, text: b.text, className: b.className};
  });
};

/** The first plot tile drawn after a navigation: a mark for the benchmark and the tests. */
methods.tileLoaded = function (layer) {
  var key = 'data-tiles-' + layer + '-drawn';
  var n = Number(this.container.getAttribute(key) || 0) + 1;
  this.container.setAttribute(key, String(n));
  if (n === 1 && layer === 'plots' && window.performance && window.performance.mark) {
    window.performance.mark('parkatlas:first-plot-tile');
  }
};

/** Read the version again and, when it moved, point every tile layer at it. */
methods.refreshTiles = function () {
  var self = this;
  if (!this.tileLayers) { return Promise.resolve(null); }
  var before = this.tileVersion;
  return this.readTileVersion().then(function (version) {
    if (version !== before) {
      self.details = {};  // the plots' documents may have changed too
      Object.keys(self.tileLayers).forEach(function (key) {
        var tiles = self.tileLayers[key];
        tiles.setUrl(self.tileUrl(tiles.paLayer));
      });
    }
    return version;
  });
};

/**
 * Another as-of date on tiles: the plot layer is pointed at that date's tiles and redrawn
 * (resolved once they are drawn); the picked plots and popups are read again for it.
 */
methods.tilesAsOf = function () {
  this.data.plots = [];
  this.drawLayer('plots');
  var tiles = this.tileLayers.plots;
  if (!tiles) { return Promise.resolve(true); }
  var drawn = new Promise(function (resolve) { tiles.once('load', resolve); });
  tiles.setUrl(this.tileUrl('plots'));
  return tiles._noTilesToLoad() ? Promise.resolve(true) : drawn;
};

/** Restyle the drawn plot tiles in place (a view switch, a highlight): no new request. */
methods.restyleTiles = function () {
  var tiles = this.tileLayers && this.tileLayers.plots;
  if (!tiles) { return; }
  var self = this;
  var rendered = tiles._vectorTiles || {};
  Object.keys(rendered).forEach(function (key) {
    var renderer = rendered[key];
    var features = renderer._features || {};
    Object.keys(features).forEach(function (id) {
      var feat = features[id].feature;
      tiles._updateStyles(feat, renderer, self.tilePlotStyle(feat.properties || {}));
    });
  });
};

/** The drawn feature of a tile layer under a map position, or null; `outline`: only on
 * a polygon's outline (an unfilled one, as SVG takes clicks). */
methods.tileFeatureAt = function (tiles, latlng, outline) {
  var z = tiles._tileZoom;
  var rendered = tiles._vectorTiles;
  if (z === undefined || !rendered) { return null; }
  var size = tiles.getTileSize();
  var at = this.map.project(latlng, z);
  var coords = at.subtract(this.gcjOffset(at, z) || L.point(0, 0)).unscaleBy(size).floor();
  coords.z = z;
  var renderer = rendered[tiles._tileCoordsToKey(coords)];
  if (!renderer || !renderer._features) { return null; }
  var local = at.subtract(coords.scaleBy(size)).subtract(this.tileShift(coords) || L.point(0, 0));
  var found = null;
  Object.keys(renderer._features).forEach(function (id) {
    var feat = renderer._features[id].feature;
    if (!feat._pxBounds) { return; }
    var hit = outline ? L.Polyline.prototype._containsPoint.call(feat, local, true)
      : feat._containsPoint(local);
    if (hit) { found = feat; }  // the last drawn
  });
  return found;
};

/** A click on the map: the top tile feature under it opens its popup. */
methods.tileClicked = function (e) {
  if (this.clicksHeld()) {
    return;  // the measure tool's click, or the editor's (it picks from the GeoJSON)
  }
  var self = this;
  var order = this.utilities.map(function (u) { return 'network.' + u; })
    .concat(['roads', 'projects', 'plots']);
  for (var i = 0; i < order.length; i++) {
    var tiles = this.tileLayers[order[i]];
    if (!tiles || !this.map.hasLayer(tiles)) { continue; }
    var feat = this.tileFeatureAt(tiles, e.latlng, order[i] === 'projects');
    if (!feat) { continue; }
    var props = feat.properties || {};
    if (order[i] === 'plots') {
      if (isBlank(props.id)) {
        this.openPlotAt(e.latlng);  // a whole-park feature of many plots
      } else {
        this.openTilePlot(String(props.id), e.latlng);
      }
    } else if (order[i] === 'projects') {
      this.openTileProject(props, e.latlng);
    } else {
      var content = order[i] === 'roads' ? self.roadPopup(props) : self.networkPopup(props);
      L.popup({className: 'pa-leaflet-popup'}).setLatLng(e.latlng).setContent(content)
        .openOn(this.map);
    }
    return;
  }
};

/** A project's popup from its API document (company, industry, plots). */
methods.openTileProject = function (props, latlng) {
  var self = this;
  var popup = L.popup({className: 'pa-leaflet-popup'}).setLatLng(latlng)
    .setContent(this.projectPopup(props)).openOn(this.map);
  return this.fetchJson(this.apiUrl('/projects/' + encodeURIComponent(String(props.id))))
    .then(function (feature) {
      popup.setContent(self.projectPopup((feature && feature.properties) || props));
    }).catch(function (err) {
      if (!(err instanceof AuthRedirect)) { self.showError([(err && err.message) || String(err)]); }
    });
};

/**
 * The plot under a point of a merged whole-park feature (app/tiles/tile.py MERGE_MAX_ZOOM),
 * which carries no id: asked of the API with a box a tenth of a metre wide around the
 * point (the API tests the plots' shapes, not their boxes), then opened as a click on a
 * single plot opens it.
 */
methods.openPlotAt = function (latlng) {
  var self = this;
  var at = this.gcj ? Gcj02.toWgs84(latlng.lng, latlng.lat) : [latlng.lng, latlng.lat];
  var d = 1e-6;  // degrees: about 0.1 m
  var bbox = [at[0] - d, at[1] - d, at[0] + d, at[1] + d].join(',');
  return this.fetchJson(this.apiUrl('/plots', {park: this.cfg.park.id, bbox: bbox, limit: 1,
    as_of: this.asOf})).then(function (doc) {
    var hit = doc && doc.features && doc.features[0];
    return hit ? self.openTilePlot(String(hit.id), latlng) : null;
  }).catch(function (err) {
    if (!(err instanceof AuthRedirect)) { self.showError([(err && err.message) || String(err)]); }
    return null;
  });
};

/** Fetch a plot, draw it as picked and open its popup at `latlng` (its centre if none). */
methods.openTilePlot = function (id, latlng) {
  var self = this;
  return this.plotDetail(id).then(function (feature) {
    var layer = self.pickPlot(feature);
    if (layer) {
      layer.openPopup(latlng || layer.getBounds().getCenter());
      self.container.setAttribute('data-selected-plot', id);
    }
    return layer;
  }).catch(function (err) {
    if (err instanceof AuthRedirect) { return null; }
    self.showError([(err && err.message) || String(err)]);
    return null;
  });
};

/** Put a plot Feature in the GeoJSON layer of picked plots (once); its Leaflet layer. */
methods.pickPlot = function (feature) {
  if (!feature || !feature.geometry || !this.geo.plots) { return null; }
  var p = feature.properties || {};
  var id = String(isBlank(p.id) ? feature.id : p.id);
  if (!this.plotLayers[id]) {
    (this.data.plots = this.data.plots || []).push(feature);
    this.geo.plots.addData(feature);
  }
  return this.plotLayers[id] || null;
};

/** The style of a picked plot over the tiles: its view's fill, outlined. */
methods.pickedStyle = function (style) {
  return this.cfg.tiles ? L.extend(style, SELECTED_OUTLINE) : style;
};

/** While an editing tool is on, the plots of the view as GeoJSON (the editor's layer). */
methods.loadEditablePlots = function () {
  var self = this;
  if (!this.tileLayers) { return Promise.resolve(null); }
  var b = this.map.getBounds();
  var sw = this.wgsOf(b.getSouthWest());
  var ne = this.wgsOf(b.getNorthEast());
  var url = this.apiUrl('/plots', {park: this.cfg.park.id, limit: this.cfg.pageSize || 5000,
    as_of: this.asOf, bbox: [sw[0], sw[1], ne[0], ne[1]].map(function (v) {
      return v.toFixed(6);
    }).join(',')});
  return this.fetchAll(url).then(function (features) {
    self.setData('plots', features);
    return features;
  });
};
