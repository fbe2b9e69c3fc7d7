/*
 * The plan page (/plans/<id>): draws the plan's plots with the red line over the
 * park map (ParkAtlas.current), and lets a planner change them:
 *  - "Pick plots": clicks on the map pick the plot under the pointer (looked up
 *    through GET /api/v1/plots?bbox=<point>); "Add picked" / "Remove picked"
 *    send PATCH /api/v1/plans/<id> with {add: {codes}} or {remove: codes};
 *  - a drawn polygon (Leaflet.draw) adds the plots more than half inside it
 *    (PATCH with {add: {polygon}}).
 * The server decides (versions, checks); the page reloads to show the result.
 * Text from the data is set with textContent or escaped, never parsed as HTML.
 */
(function (window, document, L, ParkAtlas) {
  'use strict';

  var cfg = JSON.parse(document.getElementById('pa-plan-config').textContent);
  var msgs = JSON.parse(document.getElementById('pa-plan-messages').textContent);
  var pa = ParkAtlas.current;
  var map = pa.map;
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
  var planLayer = L.featureGroup().addTo(map);
  var pickLayer = L.featureGroup().addTo(map);
  var inPlan = {};   // code -> true
  var picked = {};   // code -> layer
  var picking = false;

  pa.layerControl.addOverlay(planLayer, ParkAtlas.escapeHtml(msgs.layer));

  function apiUrl(path, params) {
    var url = new URL(cfg.api + path, window.location.href);
    Object.keys(params || {}).forEach(function (k) { url.searchParams.set(k, params[k]); });
    return url;
  }

  function getJson(url) {
    return fetch(url, {credentials: 'same-origin', headers: {Accept: 'application/json'}})
      .then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok) { throw new Error((body.error && body.error.message) || r.statusText); }
          return body;
        });
      });
  }

  function showError(message) {
    var box = document.getElementById('pa-plan-error');
    if (!box) { return; }
    box.textContent = msgs.error + ' ' + message;
    box.hidden = false;
  }

  function loadPlan() {
    return getJson(apiUrl('/plans/' + cfg.id + '/plots', {version: cfg.versionNo}))
      .then(function (fc) {
        planLayer.clearLayers();
        L.geoJSON(fc, {
          style: {color: '#e3001b', weight: 3, fillColor: '#e3001b', fillOpacity: 0.12},
          onEachFeature: function (feature, layer) {
            inPlan[feature.properties.code] = true;
            layer.bindTooltip(ParkAtlas.escapeHtml(feature.properties.code), {sticky: true});
          }
        }).eachLayer(function (l) { planLayer.addLayer(l); });
        planLayer.bringToFront();
        map.getContainer().setAttribute('data-plan-plots', String(fc.features.length));
        if (fc.features.length) { map.fitBounds(planLayer.getBounds(), {padding: [20, 20]}); }
      })
      .catch(function (e) { showError(e.message); });
  }

  function updatePicked() {
    var codes = Object.keys(picked);
    var adds = codes.filter(function (c) { return !inPlan[c]; });
    var removes = codes.filter(function (c) { return inPlan[c]; });
    var label = document.getElementById('pa-plan-picked');
    label.textContent = codes.length ? msgs.picked.replace('{n}', codes.length) + ': ' +
      codes.join(', ') : '';
    document.getElementById('pa-plan-add').disabled = adds.length === 0;
    document.getElementById('pa-plan-remove').disabled = removes.length === 0;
  }

  function togglePick(latlng) {
    var d = 1e-7;
    var url = apiUrl('/plots', {park: cfg.parkId, limit: 5,
      bbox: [latlng.lng - d, latlng.lat - d, latlng.lng + d, latlng.lat + d].join(',')});
    return getJson(url).then(function (fc) {
      fc.features.slice(0, 1).forEach(function (feature) {
        var code = feature.properties.code;
        if (picked[code]) {
          pickLayer.removeLayer(picked[code]);
          delete picked[code];
        } else {
          picked[code] = L.geoJSON(feature, {style: {color: '#0d6efd', weight: 3,
            dashArray: inPlan[code] ? '6 4' : null, fillOpacity: 0.25}}).addTo(pickLayer);
        }
      });
      updatePicked();
    }).catch(function (e) { showError(e.message); });
  }

  function patch(change) {
    var body = Object.assign({version: cfg.version}, change);
    return fetch(apiUrl('/plans/' + cfg.id), {
      method: 'PATCH', credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf, Accept: 'application/json'},
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (res) {
        if (!r.ok) { throw new Error((res.error && res.error.message) || r.statusText); }
        window.location.assign(window.location.pathname);
      });
    }).catch(function (e) { showError(e.message); });
  }

  if (cfg.editable) {
    var toggle = document.getElementById('pa-plan-pick-toggle');
    toggle.addEventListener('click', function () {
      picking = !picking;
      toggle.setAttribute('aria-pressed', String(picking));
      L.DomUtil[picking ? 'addClass' : 'removeClass'](map.getContainer(), 'pa-picking');
    });
    map.on('click', function (e) {
      if (!picking) { return; }
      map.closePopup();
      togglePick(e.latlng);
    });
    map.on('popupopen', function () { if (picking) { map.closePopup(); } });
    document.getElementById('pa-plan-add').addEventListener('click', function () {
      patch({add: {codes: Object.keys(picked).filter(function (c) { return !inPlan[c]; })}});
    });
    document.getElementById('pa-plan-remove').addEventListener('click', function () {
      patch({remove: Object.keys(picked).filter(function (c) { return inPlan[c]; })});
    });
    if (L.Control.Draw) {
      map.addControl(new L.Control.Draw({
        position: 'topleft',
        draw: {polygon: {allowIntersection: false, showArea: false},
               polyline: false, rectangle: false, circle: false, marker: false,
               circlemarker: false},
        edit: false
      }));
      map.on(L.Draw.Event.CREATED, function (e) {
        patch({add: {polygon: e.layer.toGeoJSON().geometry}});
      });
    }
  }

  ParkAtlas.whenLoaded(pa).then(loadPlan);
  window.ParkAtlasPlan = {config: cfg, planLayer: planLayer, togglePick: togglePick,
                          picked: picked, patch: patch};
}(window, document, window.L, window.ParkAtlas));
