"""What editing needs of the map (issue 10 item 6), in a real headless Chromium: plot
codes as labels from zoom 16 (not below), the view in the URL (a shared link reproduces
it), the as-of date picker, and the layout at 1440, 1024 and 768 px."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.ui.browser import login, wait_until

MAP = ".folium-map"
LOADED = f"{MAP}[data-loaded]:not([data-loaded='false'])"
PLOT_LABELS = ".pa-label.pa-plot-label"


def open_map(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(LOADED, timeout=60_000)
    assert page.get_attribute(MAP, "data-loaded") == "true", page.inner_text(".pa-map-status")


def url_state(page) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def set_zoom(page, zoom: int, latlng=None) -> None:
    page.evaluate("""([z, c]) => { const m = ParkAtlas.current.map;
                     m.setView(c || m.getCenter(), z, {animate: false}); }""", [zoom, latlng])
    wait_until(page, f"ParkAtlas.current.map.getZoom() === {zoom}")


def test_plot_codes_are_labels_from_zoom_16_for_the_plots_in_view(live_server, demo_users,
                                                                   ui_page):
    page, record = ui_page
    login(page, live_server, *demo_users["viewer"])
    open_map(page, live_server + "/")
    centre = page.evaluate("""() => { const pa = ParkAtlas.current;
        const l = Object.values(pa.plotLayers)[0]; const c = l.getBounds().getCenter();
        return [c.lat, c.lng]; }""")
    set_zoom(page, 15, centre)
    assert page.locator(PLOT_LABELS).count() == 0
    assert page.get_attribute(MAP, "data-plot-labels") == "0"
    set_zoom(page, 16, centre)
    page.wait_for_selector(PLOT_LABELS)
    labels = page.locator(PLOT_LABELS).all_inner_texts()
    in_view = page.evaluate("""() => { const pa = ParkAtlas.current;
        const b = pa.map.getBounds().pad(0.1);
        return Object.values(pa.plotLayers).filter(l => b.intersects(l.getBounds()))
          .map(l => l.feature.properties.code); }""")
    total = page.evaluate("Object.keys(ParkAtlas.current.plotLayers).length")
    assert sorted(labels) == sorted(in_view)
    assert 0 < len(labels) < total  # only the plots in view get a label
    # road names along the roads in view (zoom ≥ 15)
    assert page.locator(".pa-label.pa-road-label").count() > 0
    # the plots switched off (the layer control): their labels go, and come back with them
    page.evaluate("ParkAtlas.current.map.removeLayer(ParkAtlas.current.groups.plots)")
    wait_until(page, f"document.querySelectorAll('{PLOT_LABELS}').length === 0")
    page.evaluate("ParkAtlas.current.map.addLayer(ParkAtlas.current.groups.plots)")
    page.wait_for_selector(PLOT_LABELS)
    set_zoom(page, 14)
    wait_until(page, f"document.querySelectorAll('{PLOT_LABELS}').length === 0")
    assert page.locator(".pa-label.pa-road-label").count() == 0
    assert not record.page_errors, record.page_errors


def test_a_shared_url_reproduces_view_date_zoom_and_open_plot(live_server, demo_users,
                                                              ui_pages, conn):
    plot = conn.execute("SELECT id, code FROM plots ORDER BY code LIMIT 1 OFFSET 20").fetchone()
    page, record = ui_pages()
    login(page, live_server, *demo_users["viewer"])
    open_map(page, live_server + "/")
    page.evaluate("ParkAtlas.current.setPlotView('flags')")
    page.fill("#pa-asof-input", "2023-06-30")
    wait_until(page, "ParkAtlas.current.container.dataset.asOf === '2023-06-30'")
    page.evaluate("id => ParkAtlas.current.focusPlot(id)", str(plot["id"]))
    page.wait_for_selector(".leaflet-popup-content")
    wait_until(page, "new URLSearchParams(location.search).get('plot') !== null")
    state = url_state(page)
    assert state["view"] == "flags" and state["as_of"] == "2023-06-30"
    assert state["plot"] == str(plot["id"])
    zoom = page.evaluate("ParkAtlas.current.map.getZoom()")
    assert state["z"] == str(zoom)
    shared = page.url

    # Another browser opens the link: same view, date, zoom, centre and open plot.
    page, record = ui_pages()
    login(page, live_server, *demo_users["viewer"])
    page.wait_for_load_state("networkidle")
    del record.requests[:]  # the login lands on the map of today: count from here
    open_map(page, shared)
    page.wait_for_selector(".leaflet-popup-content")
    got = page.evaluate("""() => { const pa = ParkAtlas.current;
        return {view: pa.plotView, asOf: pa.asOf, zoom: pa.map.getZoom(),
                input: document.getElementById('pa-asof-input').value,
                popup: document.querySelector('.leaflet-popup-content').innerText}; }""")
    assert got["view"] == "flags" and got["asOf"] == "2023-06-30"
    assert got["input"] == "2023-06-30"
    assert str(got["zoom"]) == state["z"]
    assert plot["code"] in got["popup"]
    requested = [u for u in record.requests if "/api/v1/plots?" in u]
    assert requested and all("as_of=2023-06-30" in u for u in requested)
    assert not record.page_errors, record.page_errors


def test_the_date_picker_changes_the_as_of_date(live_server, demo_users, ui_page):
    page, record = ui_page
    login(page, live_server, *demo_users["viewer"])
    open_map(page, live_server + "/?view=flags")
    before = page.evaluate("ParkAtlas.current.data.plots.map(f => f.properties.flags)")
    with page.expect_request(lambda r: "/api/v1/plots?" in r.url and "as_of=2016-01-01" in r.url):
        page.fill("#pa-asof-input", "2016-01-01")  # fires input and change
    wait_until(page, "ParkAtlas.current.container.dataset.asOf === '2016-01-01'")
    page.wait_for_selector(LOADED)
    after = page.evaluate("ParkAtlas.current.data.plots.map(f => f.properties.flags)")
    assert after != before  # the plots were evaluated on another date
    assert url_state(page)["as_of"] == "2016-01-01"
    # emptied: back to today
    page.fill("#pa-asof-input", "")
    wait_until(page, "ParkAtlas.current.asOf === null")
    wait_until(page, "!new URLSearchParams(location.search).has('as_of')")
    assert not record.page_errors, record.page_errors


@pytest.mark.parametrize("width", [1440, 1024, 768])
def test_layout_menu_and_legend_leave_the_map_usable(live_server, demo_users, ui_pages,
                                                     artifacts_dir, width):
    page, record = ui_pages(width, 1000 if width == 768 else 900)
    login(page, live_server, *demo_users["planner"])
    open_map(page, live_server + "/")
    toggler = page.locator(".navbar-toggler")
    if width < 992:
        assert toggler.is_visible()  # the menu is collapsed behind its button (under lg)
        assert not page.locator("#pa-menu").is_visible()
        toggler.click()
        page.wait_for_selector("#pa-menu.show")
        assert page.locator("#pa-menu .nav-link").first.is_visible()
        toggler.click()
        page.wait_for_selector("#pa-menu:not(.show):not(.collapsing)", state="attached")
    else:
        assert not toggler.is_visible()
    box = page.locator(MAP).bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    legend = page.locator(".pa-legend").bounding_box()
    covers = legend["x"] <= cx <= legend["x"] + legend["width"] and \
        legend["y"] <= cy <= legend["y"] + legend["height"]
    assert not covers, (legend, cx, cy)
    # every control is inside the map and reachable
    for selector in (".pa-asof-input", ".pa-search-input", ".leaflet-control-zoom-in",
                     ".pa-legend-toggle"):
        control = page.locator(selector).first.bounding_box()
        assert control and control["x"] >= box["x"] and \
            control["x"] + control["width"] <= box["x"] + box["width"] + 1, selector
    if width == 768:
        assert page.get_attribute(".pa-legend-toggle", "aria-expanded") == "false"
    page.screenshot(path=str(artifacts_dir / f"map-{width}.png"))
    for name, path in (("idle", "/idle"), ("priorities", "/priorities")):
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(artifacts_dir / f"{name}-{width}.png"))
    plan = page.evaluate("""() => fetch('/api/v1/plans').then(r => r.json())
                              .then(b => (b.plans || b)[0].id)""")
    page.goto(f"{live_server}/plans/{plan}")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(artifacts_dir / f"plan-{width}.png"))
    assert not record.page_errors, record.page_errors
