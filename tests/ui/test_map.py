"""The park map in a real headless Chromium, against the live app and the demo park.

Logs in through the form, waits for the overlays to load from the API, then drives
the layer control, a plot popup, the plot search and the zoom-to-park button. The page
must log no error and must not ask anything of a host other than 127.0.0.1: the map
has to work on an intranet without internet.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app import maps, ui_messages
from tests.builders import make_app, serving
from tests.ui.browser import login, wait_until

from .conftest import open_page

STATIC = Path(maps.__file__).resolve().parent / "static"
MAP = ".folium-map"
PLOT_PATHS = ".leaflet-pa-plots-pane path"

# Finds a plot whose centre is on screen and not covered by another feature, so a
# real mouse click lands on it. Returns its id, code and the point to click.
FIND_CLICKABLE_PLOT = """
() => {
  const pa = ParkAtlas.current;
  const size = pa.map.getSize();
  for (const [id, layer] of Object.entries(pa.plotLayers)) {
    const p = pa.map.latLngToContainerPoint(layer.getCenter());
    if (p.x < 80 || p.y < 80 || p.x > size.x - 320 || p.y > size.y - 80) continue;
    const rect = pa.container.getBoundingClientRect();
    const x = rect.left + p.x, y = rect.top + p.y;
    if (document.elementFromPoint(x, y) === layer.getElement()) {
      return {id: id, code: layer.feature.properties.code, x: x, y: y};
    }
  }
  return null;
}
"""


def open_map(page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.wait_for_selector(f"{MAP}[data-loaded]:not([data-loaded='false'])", timeout=60_000)
    status = page.get_attribute(MAP, "data-loaded")
    assert status == "true", page.inner_text(".pa-map-status")


def message(page, key: str) -> str:
    """A UI string as the page has it (in the server's language)."""
    return page.evaluate("key => ParkAtlas.current.msg(key)", key)


def overlay_checkbox(page, name: str):
    page.hover(".leaflet-control-layers")
    label = page.locator(".leaflet-control-layers-overlays label").filter(
        has_text=re.compile(rf"^\s*{re.escape(name)}\s*$"))
    return label.locator("input[type=checkbox]")


def test_rendered_map_uses_only_local_assets():
    """No CDN: every script and stylesheet Folium emits is a local static file that exists."""
    parts = maps.render_park_map(
        {"id": 1, "code": "T", "name": "<测试园区>", "bbox": [113.0, 29.4, 113.1, 29.5]},
        {"lang": "zh"}, ui_messages.UI_MESSAGES, lambda f: "/static/" + f,
        {"tianditu_key": None})
    page = parts["header"] + parts["html"] + parts["script"]
    urls = re.findall(r'(?:src|href)="([^"]+)"', parts["header"])
    assert urls and all(u.startswith("/static/") for u in urls), urls
    missing = [u for u in urls if not (STATIC / u.removeprefix("/static/")).is_file()]
    assert not missing, f"run scripts/vendor-assets.sh: {missing}"
    # Online basemap URLs are data for the switcher, never loaded by default.
    assert "cdn" not in page.lower() and "<script src=\"http" not in page
    assert "tianditu.gov.cn" not in parts["script"]  # only offered with a key
    assert "ParkAtlas.init(" in parts["script"]
    keyed = maps.render_park_map({"id": 1, "bbox": [113.0, 29.4, 113.1, 29.5]}, None, {},
                                 lambda f: "/static/" + f, {"tianditu_key": "k123"})
    offered = {b["id"]: b for b in keyed["config"]["basemaps"]}
    assert "tianditu.gov.cn/vec_w" in offered["tianditu"]["layers"][0]["url"]
    assert "tk=k123" in offered["tianditu"]["layers"][0]["url"]
    assert parts["title"] == "<测试园区>"  # escaped by Jinja in the template


@pytest.mark.browser
def test_map_page(live_server, demo_users, artifacts_dir, ui_page):
    page, record = ui_page
    login(page, live_server, *demo_users["viewer"])
    open_map(page, live_server)

    # Plots drawn from the API (the demo park has hundreds).
    plot_count = page.locator(PLOT_PATHS).count()
    assert plot_count > 100
    assert int(page.get_attribute(MAP, "data-plot-count")) >= plot_count
    # Chinese is the default language; the legend lists the nine stages.
    assert page.get_attribute("html", "lang").startswith("zh")
    assert page.locator(".pa-legend-list").first.locator("li").count() == 9

    # Switch the plot layer off and on again in the layer control.
    plots_box = overlay_checkbox(page, message(page, "layer.plots"))
    plots_box.uncheck()
    wait_until(page, f"document.querySelectorAll('{PLOT_PATHS}').length === 0")
    plots_box.check()
    wait_until(page, f"document.querySelectorAll('{PLOT_PATHS}').length === {plot_count}")
    # A utility network can be shown too.
    overlay_checkbox(page, message(page, "layer.network.power")).check()
    page.mouse.move(10, 880)  # let the layer control collapse

    # Click a plot: its popup shows the code and the area in 亩.
    target = page.evaluate(FIND_CLICKABLE_PLOT)
    assert target, "no plot is clickable on screen"
    page.mouse.click(target["x"], target["y"])
    popup = page.locator(".leaflet-popup-content").filter(has_text=target["code"])
    popup.wait_for()
    text = popup.inner_text()
    assert target["code"] in text
    assert "亩" in text
    # The API's areas: m² to 2 decimals, 亩 and 公顷 to 4.
    assert re.fullmatch(r"[\d,]+\.\d{2} \S+", popup.locator(".pa-area-m2").inner_text())
    assert re.fullmatch(r"[\d,]+\.\d{4} 亩", popup.locator(".pa-area-mu").inner_text())
    assert re.fullmatch(r"[\d,]+\.\d{4} 公顷", popup.locator(".pa-area-ha").inner_text())
    link = popup.locator("a.pa-popup-link")
    assert link.get_attribute("href").endswith(f"/plots/{target['id']}")
    page.keyboard.press("Escape")

    # Search a plot code (lower case: the API matches a case-insensitive prefix).
    other = page.evaluate(
        """(skip) => ParkAtlas.current.data.plots
             .map(f => f.properties.code).find(c => c !== skip)""", target["code"])
    before = page.evaluate("(() => { const m = ParkAtlas.current.map; "
                           "return [m.getCenter().lat, m.getCenter().lng, m.getZoom()]; })()")
    page.fill(".pa-search-input", other.lower())
    page.press(".pa-search-input", "Enter")
    page.locator(".leaflet-popup-content").filter(has_text=other).wait_for()
    after = page.evaluate("(() => { const m = ParkAtlas.current.map; "
                          "return [m.getCenter().lat, m.getCenter().lng, m.getZoom()]; })()")
    assert after != before
    assert after[2] > before[2]  # zoomed in on the plot
    found = page.evaluate(
        "code => { const pa = ParkAtlas.current;"
        " const layer = pa.plotLayers[pa.container.dataset.selectedPlot];"
        " return layer.feature.properties.code === code"
        " && pa.map.getBounds().contains(layer.getBounds()); }", other)
    assert found
    artifacts_dir.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(400)  # popup fade-in, for the screenshot
    page.screenshot(path=str(artifacts_dir / "map-search.png"))

    # A part of a plot's name finds it too (the search box says "code or name").
    named = page.evaluate("""() => ParkAtlas.current.data.plots.map(f => f.properties)
                               .find(p => p.name && p.name.length >= 4)""")
    page.fill(".pa-search-input", named["name"][1:4])
    page.press(".pa-search-input", "Enter")
    wait_until(page, "ParkAtlas.current.container.dataset.selectedPlot !== undefined && "
                     "document.querySelector('.pa-search-status').dataset.state === 'found'")
    chosen = page.evaluate("""() => { const pa = ParkAtlas.current;
        return pa.plotLayers[pa.container.dataset.selectedPlot].feature.properties.name; }""")
    assert named["name"][1:4] in chosen

    # An unknown code says so.
    page.fill(".pa-search-input", "NO-SUCH-PLOT-999")
    page.press(".pa-search-input", "Enter")
    page.locator(".pa-search-status[data-state='not-found']").wait_for()

    # Zoom back to the whole park.
    page.click(".pa-zoom-park-button")
    wait_until(page, """(() => { const pa = ParkAtlas.current; const b = pa.cfg.park.bbox;
             return pa.map.getBounds().contains([[b[1], b[0]], [b[3], b[2]]]); })()""")
    page.evaluate("ParkAtlas.current.map.closePopup()")
    page.wait_for_timeout(400)  # let the zoom animation settle for the screenshot
    page.screenshot(path=str(artifacts_dir / "map.png"))

    assert record.page_errors == []
    assert record.console_errors() == []
    assert record.external_requests() == []
    # Every script and stylesheet came from the app itself.
    assert any("/static/vendor/leaflet/leaflet.js" in url for url in record.requests)


@pytest.mark.browser
def test_map_english(live_server, demo_users, ui_page):
    """?lang=en switches the map's UI strings (the server decides the language)."""
    page, record = ui_page
    login(page, live_server, *demo_users["viewer"])
    page.goto(live_server + "/?lang=en")
    page.wait_for_selector(f"{MAP}[data-loaded='true']", timeout=60_000)
    assert page.get_attribute(".pa-search-input", "placeholder") == "Plot code or name"
    page.hover(".leaflet-control-layers")
    labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert [label.strip() for label in labels[:4]] == ["Zones", "Plots", "Projects", "Roads"]
    assert record.page_errors == [] and record.console_errors() == []


@pytest.mark.browser
def test_map_redirects_to_login_when_session_ends(live_server, demo_users, ui_page):
    """An API 401 (expired session) sends the browser to the login page."""
    page, record = ui_page
    login(page, live_server, *demo_users["viewer"])
    # The session ends after the page is served: the API answers 401.
    page.route("**/api/v1/**", lambda route: route.fulfill(
        status=401, json={"error": {"code": "unauthorized", "message": "login required"}}))
    page.goto(live_server + "/")
    page.wait_for_url(re.compile(r"/login\?next=%2F"), timeout=30_000)
    assert record.page_errors == []


def test_an_offline_basemap_package_is_the_default_basemap(chromium_browser, db_url, demo_users,
                                                           sample_basemap, artifacts_dir):
    """With PARKATLAS_BASEMAP set, the map opens on the office's own package, drawn from
    /basemap tiles of this server; "none" stays in the switcher."""
    application = make_app(db_url, BASEMAP=str(sample_basemap))
    try:
        with serving(application) as base:
            page, record = open_page(chromium_browser, 1024)
            try:
                login(page, base, *demo_users["viewer"])
                page.goto(base + "/")
                page.wait_for_selector(".folium-map[data-loaded='true']", timeout=60_000)
                assert page.get_attribute(".folium-map", "data-basemap") == "local"
                wait_until(page, "[...document.querySelectorAll('img.leaflet-tile')]"
                                 ".some(i => i.complete && i.src.includes('/basemap/'))")
                names = page.locator(".leaflet-control-layers-base label").all_inner_texts()
                assert [n.strip() for n in names][:2] == ["本地底图", "无底图"]
                page.screenshot(path=str(artifacts_dir / "map-local-basemap-1024.png"))
                assert record.page_errors == [] and record.external_requests() == []
            finally:
                page.context.close()
    finally:
        application.extensions["parkatlas_pool"].close()
