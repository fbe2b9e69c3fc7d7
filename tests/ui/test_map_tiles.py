"""The park map on vector tiles (issue 14 item 2), in headless Chromium, on the demo park
with tiles forced on (PARKATLAS_MAP_TILES=on; app.maps.use_tiles decides).

Plots and roads are drawn from /tiles/ (no GeoJSON list of plots is fetched), a hidden
network's tiles are never asked for, the thematic views restyle the drawn tiles (read back
from the canvas), a click opens the plot's popup from /api/v1/plots/<id>, the search flies
to the plot and picks it out, GCJ-02 moves the tiles with the overlays, an edit moves the
page to the new data version's tiles; no request leaves 127.0.0.1 and nothing is logged
as an error.
"""

from __future__ import annotations

import pytest
from shapely.geometry import shape

from app import maps
from app.tiles import tile
from tests.builders import make_app, serving
from tests.ui.browser import api, login, screen_point, wait_until

MAP = ".folium-map"
TILES_LOADED = ("document.querySelector('.folium-map')"
                ".getAttribute('data-tiles-plots') === 'loaded'")

# The RGB of the drawn plot tile under a lon/lat point (un-premultiplied canvas pixel).
PIXEL = """([lon, lat]) => {
  const pa = ParkAtlas.current, tiles = pa.tileLayers.plots;
  const z = tiles._tileZoom, size = tiles.getTileSize();
  const at = pa.map.project(pa.toDisplay(lon, lat), z);
  const coords = at.subtract(pa.gcjOffset(at, z) || L.point(0, 0)).unscaleBy(size).floor();
  coords.z = z;
  const renderer = tiles._vectorTiles[tiles._tileCoordsToKey(coords)];
  const p = at.subtract(coords.scaleBy(size)).subtract(pa.tileShift(coords) || L.point(0, 0));
  const d = renderer._ctx.getImageData(Math.round(p.x), Math.round(p.y), 1, 1).data;
  return [d[0], d[1], d[2], d[3]];
}"""


def test_one_function_decides_tiles_or_geojson():
    assert maps.use_tiles("on", None, 5000) is True
    assert maps.use_tiles("off", 10**6, 5000) is False
    assert maps.use_tiles("auto", 4999, 5000) is False
    assert maps.use_tiles("auto", 5000, 5000) is True
    with pytest.raises(ValueError):
        maps.use_tiles("maybe", 1, 5000)


def test_the_tiled_page_loads_the_tile_client_and_says_where_the_tiles_are():
    parts = maps.render_park_map(
        {"id": 1, "code": "T", "name": "T", "bbox": [113.0, 29.4, 113.1, 29.5]},
        {"tiles": {"base": "/tiles/T/"}}, {}, lambda f: "/static/" + f)
    assert "vendor/leaflet.vectorgrid/Leaflet.VectorGrid.bundled.min.js" in parts["header"]
    assert parts["config"]["tiles"] == {"base": "/tiles/T",
                                        "layers": ["plots", "roads", "networks",
                                                   "projects"],
                                        "minZoom": 0, "maxZoom": 22}
    plain = maps.render_park_map({"id": 1, "bbox": [113.0, 29.4, 113.1, 29.5]}, {}, {},
                                 lambda f: "/static/" + f)
    assert "vectorgrid" not in plain["header"] and plain["config"]["tiles"] is None


@pytest.fixture
def tiled_server(db_url):
    """The app with the map forced onto tiles, served on 127.0.0.1 in a thread."""
    application = make_app(db_url, MAP_TILES="on")
    with serving(application) as base:
        yield base
    application.extensions["parkatlas_pool"].close()


def open_tiled_map(page, base: str, query: str = "") -> None:
    page.goto(base + "/" + query)
    page.wait_for_selector(f"{MAP}[data-loaded]:not([data-loaded='false'])", timeout=60_000)
    assert page.get_attribute(MAP, "data-loaded") == "true", page.inner_text(".pa-map-status")
    wait_until(page, TILES_LOADED, 30)


def tiled_map_as(ui_pages, base: str, user: tuple, size=(1440, 900)):
    """A page logged in as `user` on the tiled map; (page, record)."""
    page, record = ui_pages(*size)
    login(page, base, *user)
    open_tiled_map(page, base)
    return page, record


def centre_of(page, code: str):
    feature = api(page, f"/api/v1/plots?code={code}&limit=1")["features"][0]
    return feature, shape(feature["geometry"]).representative_point()


def zoom_to_first(page, query: str, zoom: int = 16):
    """Centre the map at `zoom` on the first plot the API's `query` finds, its tiles
    drawn; (the plot's feature, its representative point)."""
    feature = api(page, f"/api/v1/plots?{query}&limit=1")["features"][0]
    spot = shape(feature["geometry"]).representative_point()
    page.evaluate("([lon, lat, zoom]) => { const pa = ParkAtlas.current;"
                  " pa.map.setView(pa.toDisplay(lon, lat), zoom, {animate: false}); }",
                  [spot.x, spot.y, zoom])
    wait_until(page, TILES_LOADED)
    return feature, spot


def drawn_in(page, point, colour: str) -> bool:
    """Whether the plot tile under a lon/lat point is drawn in `colour` (#rrggbb; canvas
    pixels are stored premultiplied, so a channel may be a unit or two off)."""
    pixel = page.evaluate(PIXEL, [point.x, point.y])
    wanted = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return pixel[3] > 0 and all(abs(a - b) <= 3 for a, b in zip(pixel[:3], wanted, strict=True))


def assert_clean(record) -> None:
    assert not record.external_requests(), record.external_requests()
    assert not record.page_errors, record.page_errors
    assert not record.console_errors(), record.console_errors()


@pytest.mark.browser
def test_plots_from_tiles_with_views_popup_and_search(tiled_server, demo_users, ui_pages,
                                                      artifacts_dir):
    page, record = tiled_map_as(ui_pages, tiled_server, demo_users["viewer"])

    plot_tiles = [u for u in record.requests if "/plots/" in u and u.endswith(".mvt")]
    assert plot_tiles and all("/tiles/" in u for u in plot_tiles)
    assert any("/roads/" in u and u.endswith(".mvt") for u in record.requests)
    # no GeoJSON list of plots, roads or networks; the hidden networks: not even tiles
    assert not [u for u in record.requests if "/api/v1/plots?" in u or "/api/v1/roads" in u
                or "/api/v1/networks" in u or "/networks/" in u], record.requests
    assert int(page.get_attribute(MAP, "data-tiles-plots-drawn")) > 0
    # every class of the stage view in the legend, uncounted (the page holds no plot list)
    legend = page.locator(".pa-legend-list").first
    assert legend.locator("li").count() == 9
    assert "(" not in legend.inner_text()
    page.screenshot(path=str(artifacts_dir / "map-tiles-1440.png"))

    # the stage colour of a plot, drawn in its tile
    feature, point = centre_of(page, "NQ-03-05")
    colours = page.evaluate("ParkAtlas.stageColours")
    stage = feature["properties"]["stage"]
    wait_until(page, TILES_LOADED)
    assert drawn_in(page, point, colours[stage])

    # the flags view restyles the drawn tiles: a reclaim-due plot turns dark red
    reclaim, spot = zoom_to_first(page, "flag=reclaim_due")
    page.select_option(".pa-legend-select", "flags")
    wait_until(page, "document.querySelector('.folium-map')"
                     ".getAttribute('data-plot-view') === 'flags'")
    assert drawn_in(page, spot, "#67000d")

    # a click on the plot: its popup, with the status and readiness of /plots/<id>
    at = screen_point(page, spot.x, spot.y)
    page.mouse.click(at["x"], at["y"])
    popup = page.locator(".leaflet-popup-content").filter(
        has_text=reclaim["properties"]["code"])
    popup.wait_for()
    popup.locator(".pa-readiness-table").wait_for()
    assert "亩" in popup.inner_text()
    assert any(u.endswith(f"/api/v1/plots/{reclaim['id']}") for u in record.requests)
    page.screenshot(path=str(artifacts_dir / "map-tiles-popup-1440.png"))
    page.keyboard.press("Escape")

    # search: fly to the plot and pick it out (the GeoJSON layer of picked plots)
    other, _ = centre_of(page, "SQ-02-03")
    page.fill(".pa-search-input", "sq-02-03")
    page.press(".pa-search-input", "Enter")
    page.locator(".leaflet-popup-content").filter(has_text="SQ-02-03").wait_for()
    assert page.get_attribute(MAP, "data-selected-plot") == str(other["id"])
    picked = page.evaluate("id => { const l = ParkAtlas.current.plotLayers[id];"
                           " return l && [l.options.color, l.options.weight]; }",
                           str(other["id"]))
    assert picked == ["#00bcd4", 3]
    assert page.evaluate("ParkAtlas.current.map.getZoom()") >= 17
    page.evaluate("ParkAtlas.current.map.closePopup()")

    # at the whole-park zooms a tile feature is many plots (no id): a click asks the API
    # for the plot under the point and opens its popup (roads and projects hidden: at this
    # zoom their lines' click tolerance covers much of a plot)
    page.evaluate("const pa = ParkAtlas.current;"
                  " [pa.groups.roads, pa.groups.projects].forEach(g => pa.map.removeLayer(g))")
    whole, spot = zoom_to_first(page, "flag=low_efficiency", zoom=tile.MERGE_MAX_ZOOM)
    at = screen_point(page, spot.x, spot.y)
    page.mouse.click(at["x"], at["y"])
    page.locator(".leaflet-popup-content").filter(has_text=whole["properties"]["code"]).wait_for()
    assert any("/api/v1/plots?" in u and "bbox=" in u for u in record.requests)
    assert page.get_attribute(MAP, "data-selected-plot") == str(whole["id"])
    assert_clean(record)


@pytest.mark.browser
def test_hidden_networks_are_not_fetched_and_shown_ones_come_from_tiles(
        tiled_server, demo_users, ui_pages):
    page, record = tiled_map_as(ui_pages, tiled_server, demo_users["viewer"], (1024, 768))
    assert not [u for u in record.requests if "/networks/" in u]
    page.evaluate("""() => { const pa = ParkAtlas.current;
                       pa.map.addLayer(pa.groups['network.power']); }""")
    wait_until(page, "document.querySelector('.folium-map')"
                     ".getAttribute('data-tiles-networks') === 'loaded'")
    assert [u for u in record.requests if "/networks/" in u and u.endswith(".mvt")]
    assert not [u for u in record.requests if "/api/v1/networks" in u]
    assert_clean(record)


@pytest.mark.browser
def test_gaode_moves_the_tiles_with_the_overlays(tiled_server, demo_users, ui_pages,
                                                 artifacts_dir):
    page, record = ui_pages(1024, 768)
    login(page, tiled_server, *demo_users["viewer"])
    feature, point = centre_of(page, "NQ-14-05")
    open_tiled_map(page, tiled_server, f"?z=17&lat={point.y}&lng={point.x}")
    # GCJ-02 as when 高德 is picked (set directly: the test may not reach Gaode's tiles)
    page.evaluate("ParkAtlas.current.setGcj(true)")
    wait_until(page, TILES_LOADED)
    hit = page.evaluate("""([lon, lat]) => { const pa = ParkAtlas.current;
        const f = pa.tileFeatureAt(pa.tileLayers.plots, pa.toDisplay(lon, lat));
        return f && f.properties.code; }""", [point.x, point.y])
    assert hit == "NQ-14-05"
    stage = feature["properties"]["stage"]
    assert drawn_in(page, point, page.evaluate("ParkAtlas.stageColours")[stage])
    # the unshifted place is hundreds of metres away: another plot or none
    off = page.evaluate("""([lon, lat]) => { const pa = ParkAtlas.current;
        const f = pa.tileFeatureAt(pa.tileLayers.plots, L.latLng(lat, lon));
        return f && f.properties.code; }""", [point.x, point.y])
    assert off != "NQ-14-05"
    page.screenshot(path=str(artifacts_dir / "map-tiles-gcj02-1024.png"))
    assert_clean(record)


@pytest.mark.browser
def test_an_edit_moves_the_page_to_the_new_versions_tiles(tiled_server, demo_users,
                                                          ui_pages, artifacts_dir):
    page, record = tiled_map_as(ui_pages, tiled_server, demo_users["planner"], (1024, 768))
    for layer in ("roads", "projects"):  # the whole picture for the screenshot
        wait_until(page, f"document.querySelector('.folium-map')"
                         f".getAttribute('data-tiles-{layer}') === 'loaded'", 30)
    page.screenshot(path=str(artifacts_dir / "map-tiles-1024.png"))
    before = page.get_attribute(MAP, "data-tile-version")
    feature, _ = centre_of(page, "NQ-14-05")
    # the page's own edit path (editApi), as the editor's save sends it
    page.evaluate("""([id, version]) => ParkAtlas.current.editApi('/plots/' + id, 'PATCH',
                       {version: version, properties: {name: '瓦片测试'}}).then(
                       () => ParkAtlas.current.editReload())""",
                  [feature["id"], feature["properties"]["version"]])
    wait_until(page, f"document.querySelector('.folium-map')"
                     f".getAttribute('data-tile-version') !== '{before}'")
    after = page.get_attribute(MAP, "data-tile-version")
    wait_until(page, TILES_LOADED)
    assert any(f"/{after}/plots/" in u for u in record.requests)
    # a stale edit (409) makes the page read the version again as well
    count = sum(u.endswith("/version") for u in record.requests)
    status = page.evaluate("""([id, version]) => ParkAtlas.current.editApi('/plots/' + id,
                                'PATCH', {version: version, properties: {name: 'x'}}).then(
                                () => 200, err => err.status)""",
                           [feature["id"], feature["properties"]["version"]])
    assert status == 409
    for _ in range(200):  # the page reads the version once more
        if sum(u.endswith("/version") for u in record.requests) > count:
            break
        page.wait_for_timeout(100)
    assert sum(u.endswith("/version") for u in record.requests) > count
    assert not record.external_requests()
    assert not record.page_errors
    # the 409 itself is the one console error a refused request logs
    assert all("409" in m[1] for m in record.console_errors()), record.console_errors()


@pytest.mark.browser
def test_a_date_in_the_date_control_draws_that_dates_tiles(tiled_server, demo_users, ui_pages,
                                                          artifacts_dir):
    page, record = tiled_map_as(ui_pages, tiled_server, demo_users["viewer"])
    _, spot = zoom_to_first(page, "stage=operating")
    colours = page.evaluate("ParkAtlas.stageColours")
    assert colours["operating"] != colours["planned"]
    assert drawn_in(page, spot, colours["operating"])

    # before every event of the demo: the plot is still planned, and drawn so
    page.fill("#pa-asof-input", "2000-01-01")
    page.dispatch_event("#pa-asof-input", "change")
    wait_until(page, "document.querySelector('.folium-map')"
                     ".getAttribute('data-as-of') === '2000-01-01'", 30)
    wait_until(page, TILES_LOADED)
    dated = [u for u in record.requests if "/plots/" in u and ".mvt" in u and "as_of=" in u]
    assert dated and all(u.endswith(".mvt?as_of=2000-01-01") for u in dated)
    assert drawn_in(page, spot, colours["planned"])
    assert not page.locator(".pa-legend-tiles-today").count()
    page.screenshot(path=str(artifacts_dir / "map-tiles-asof-1440.png"))

    # back to today: today's tiles, without a date
    page.fill("#pa-asof-input", "")
    page.dispatch_event("#pa-asof-input", "change")
    wait_until(page, "document.querySelector('.folium-map')"
                     ".getAttribute('data-as-of') === ''", 30)
    wait_until(page, TILES_LOADED)
    assert drawn_in(page, spot, colours["operating"])
    assert_clean(record)
