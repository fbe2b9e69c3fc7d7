/*
 * ParkAtlas map — DOM helpers of the map modules: elements, SVG, escaping for the few places
 * Leaflet inserts a string as HTML.
 */
import * as Status from '../parkatlas-status.js';
const L = window.L;

/** Escape text for the few places Leaflet inserts a string as HTML. */
export function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, function (c) {
    return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
  });
}

// DOM and message helpers shared with the status pages (parkatlas-status.js).
export var el = Status.el;
export var format = Status.format;
export var isBlank = Status.isBlank;

export var SVG_NS = 'http://www.w3.org/2000/svg';

export function svg(tag, attrs) {
  var node = document.createElementNS(SVG_NS, tag);
  Object.keys(attrs || {}).forEach(function (key) {
    if (attrs[key] !== undefined && attrs[key] !== null) { node.setAttribute(key, attrs[key]); }
  });
  return node;
}


export function stopMapEvents(node) {
  L.DomEvent.disableClickPropagation(node);
  L.DomEvent.disableScrollPropagation(node);
}
