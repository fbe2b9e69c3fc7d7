/*
 * ParkAtlas map — what the pages that pick plots on the park map share (the plan page,
 * parkatlas-plan.js, and the project page, parkatlas-project.js): panes above the park's
 * overlays, map positions turned back into the API's lon/lat (from GCJ-02 while the Gaode
 * basemap is shown), a legend section at the head of the legend, the click that takes a
 * plot (once, whichever layer sees it first) and Leaflet.draw's polygon tool in the page's
 * language. Texts Leaflet or Leaflet.draw insert as HTML are escaped here.
 */
import {Gcj02} from './basemaps.js';
import {escapeHtml} from './dom.js';

const L = window.L;

/** A pane inside the overlay pane, above the park's (z-index 410-460). */
export function paneAbove(map, name, zIndex) {
  var pane = map.getPane(name) || map.createPane(name, map.getPane('overlayPane'));
  pane.style.zIndex = String(zIndex);
  return name;
}

/** A map position as the API's [lon, lat]. */
export function toData(pa, latlng) {
  return pa.gcj ? Gcj02.toWgs84(latlng.lng, latlng.lat) : [latlng.lng, latlng.lat];
}

/** A drawn (display) Polygon or MultiPolygon as the API's lon/lat geometry. */
export function geometryToData(pa, geometry) {
  function ring(points) {
    return points.map(function (p) { return toData(pa, L.latLng(p[1], p[0])); });
  }
  if (geometry.type === 'Polygon') {
    return {type: 'Polygon', coordinates: geometry.coordinates.map(ring)};
  }
  return {type: 'MultiPolygon', coordinates: geometry.coordinates.map(function (poly) {
    return poly.map(ring);
  })};
}

/**
 * A legend section at the head of the park map's legend, shown while `layer` is on the
 * map: items are [fill, stroke, border width, label].
 */
export function headLegend(pa, layer, key, title, items) {
  if (!pa.addLegendSection) { return; }
  pa.addLegendSection(function (tools) {
    if (!pa.map.hasLayer(layer)) { return; }
    var list = tools.section(title);
    var wrap = list.parentNode;
    wrap.parentNode.insertBefore(wrap, wrap.parentNode.firstChild);
    wrap.setAttribute('data-section', key);
    items.forEach(function (item) {
      var swatch = tools.fillSwatch(item[0], item[1]);
      swatch.style.borderWidth = item[2];
      list.appendChild(tools.item(swatch, item[3]));
    });
  });
}

/**
 * The feature a click picks, or null when it is for the API to find (a click off the
 * park's plot features); undefined when the click was taken already. A park plot's click
 * opens its popup and Leaflet stops it before the map sees it, so pages listen on the
 * plot layer and the map alike; the first handler to see a click takes it.
 */
export function clickedFeature(map, e, accept) {
  var original = e.originalEvent;
  if (original) {
    if (original.paPickHandled) { return undefined; }
    original.paPickHandled = true;
  }
  map.closePopup();
  var layer = e.propagatedFrom || e.layer;
  var feature = layer && layer.feature;
  return feature && feature.geometry && feature.properties && accept(feature.properties)
    ? feature : null;
}

/**
 * Leaflet.draw's polygon tool (when served) in the page's language: `text(key)` gives the
 * plan page's draw texts (plan.draw*), `title` the tool's button. onStart runs when a
 * drawing starts, onCreated(geometry in lon/lat) when it is closed.
 */
export function addPolygonTool(pa, text, title, onStart, onCreated) {
  if (!L.Control.Draw) { return; }
  var t = function (key) { return escapeHtml(text(key)); };
  var draw = L.drawLocal.draw;
  draw.toolbar.buttons.polygon = escapeHtml(title);
  draw.toolbar.actions = {title: t('drawCancelTitle'), text: t('drawCancel')};
  draw.toolbar.finish = {title: t('drawFinishTitle'), text: t('drawFinish')};
  draw.toolbar.undo = {title: t('drawUndoTitle'), text: t('drawUndo')};
  draw.handlers.polygon.tooltip = {start: t('drawStart'), cont: t('drawCont'),
                                   end: t('drawEnd')};
  draw.handlers.polyline.error = t('drawCrossing');
  pa.map.addControl(new L.Control.Draw({
    position: 'topleft',
    draw: {polygon: {allowIntersection: false, showArea: false},
           polyline: false, rectangle: false, circle: false, marker: false,
           circlemarker: false},
    edit: false
  }));
  pa.map.on(L.Draw.Event.DRAWSTART, onStart);
  pa.map.on(L.Draw.Event.CREATED, function (e) {
    onCreated(geometryToData(pa, e.layer.toGeoJSON().geometry));
  });
}
