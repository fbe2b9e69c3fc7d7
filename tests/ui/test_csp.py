"""The Content-Security-Policy does not break any page (issue 9): every page, opened in
headless Chromium as a planner (and the login and error pages anonymously), reports no
CSP violation and no error, the map pages still draw the park's plots, and the measure
tool (Leaflet.PolylineMeasure, no eval: no page allows 'unsafe-eval') measures a plot's
sides and area as the park's Gauss-Krüger CRS does, within 0.5 %."""

from __future__ import annotations

import json

import pytest
from pyproj import Transformer
from shapely.geometry import LineString, Polygon

from .conftest import open_page

# Every violation the page reports, gathered before any page script runs. Playwright's
# init scripts are not subject to the page's CSP.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '')
  + ':' + e.lineNumber));
"""
PLOTS = ".leaflet-pa-plots-pane path"
LOADED = ".folium-map[data-loaded]:not([data-loaded='false'])"


def visit(page, record, url: str, *, status: int = 200, plots: bool = False) -> None:
    record.console.clear()
    record.page_errors.clear()
    response = page.goto(url)
    assert response.status == status, url
    policy = response.headers["content-security-policy"]
    assert "script-src 'self' 'nonce-" in policy and "unsafe-eval" not in policy, url
    if plots:
        try:
            page.wait_for_selector(LOADED, timeout=60_000)
        except Exception as exc:
            raise AssertionError((url, page.evaluate("window.__csp"), record.console,
                                  record.page_errors)) from exc
        assert page.get_attribute(".folium-map", "data-loaded") == "true", url
        assert page.locator(PLOTS).count() > 0, url
    else:
        page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # late violations (timers, handlers)
    violations = page.evaluate("window.__csp")
    csp_console = [m for m in record.console if "Content Security Policy" in m[1]]
    assert violations == [] and csp_console == [], (url, violations, csp_console)
    assert record.page_errors == [], (url, record.page_errors)
    # An error page's own status is logged as a failed load: the only error allowed.
    errors = [m for m in record.console_errors() if status == 200 or m[2] != url]
    assert errors == [], (url, errors)


@pytest.mark.browser
def test_no_page_violates_the_content_security_policy(live_server, demo_users,
                                                      chromium_browser, artifacts_dir):
    page, record = open_page(chromium_browser, 1440)
    page.context.add_init_script(RECORD_VIOLATIONS)
    try:
        visit(page, record, live_server + "/login")
        visit(page, record, live_server + "/no-such-page", status=404)
        page.goto(live_server + "/login")
        page.fill("input[name=username]", demo_users["planner"][0])
        page.fill("input[name=password]", demo_users["planner"][1])
        with page.expect_navigation():
            page.click("button[type=submit]")
        visit(page, record, live_server + "/", plots=True)
        visit(page, record, live_server + "/priorities", plots=True)
        visit(page, record, live_server + "/idle")
        visit(page, record, live_server + "/rates")
        visit(page, record, live_server + "/plans")
        visit(page, record, live_server + "/imports", plots=True)
        plans = page.request.get(live_server + "/api/v1/plans").json()
        plots = page.request.get(live_server + "/api/v1/plots?limit=1").json()["features"]
        assert plans and plots
        visit(page, record, f"{live_server}/plans/{plans[0]['id']}", plots=True)
        visit(page, record, f"{live_server}/plots/{plots[0]['id']}")
        visit(page, record, live_server + "/plots/999999999", status=404)
        # a project page: the park map and the ECharts timeline, progress and gauge
        project = page.request.get(live_server + "/api/v1/projects?limit=1").json()
        visit(page, record, f"{live_server}/projects/{project['features'][0]['id']}",
              plots=True)
        assert page.locator("#pa-project-charts svg").count() > 0
        # The measure tool works under the policy: used once, around a plot.
        page.goto(live_server + "/")
        page.wait_for_selector(LOADED, timeout=60_000)
        measure_a_plot(page, live_server)
        page.screenshot(path=str(artifacts_dir / "map-measure.png"))
        assert page.evaluate("window.__csp") == []
        assert record.page_errors == []
    finally:
        page.context.close()


def measure_a_plot(page, live_server: str) -> None:
    """Click the corners of a plot with the measure tool; its length and enclosed area
    agree with shapely's in the park's GK CRS within 0.5 %."""
    park = page.request.get(live_server + "/api/v1/parks").json()["features"][0]
    gk = Transformer.from_crs(4326, park["properties"]["gk_epsg_prefixed"], always_xy=True)
    plot = page.request.get(live_server + "/api/v1/plots?limit=1").json()["features"][0]
    page.evaluate("""id => ParkAtlas.current.map.fitBounds(
        ParkAtlas.current.plotLayers[id].getBounds(), {padding: [200, 200], animate: false})""",
                  str(plot["id"]))
    corners = plot["geometry"]["coordinates"][0][0][:-1]
    points = page.evaluate("""corners => corners.map(c => {
        var p = ParkAtlas.current.map.latLngToContainerPoint([c[1], c[0]]);
        var box = ParkAtlas.current.map.getContainer().getBoundingClientRect();
        return [box.left + p.x, box.top + p.y]; })""", corners)
    page.click("#polyline-measure-control")
    for x, y in points:
        page.mouse.click(x, y)
    page.keyboard.press("Escape")  # finishes the line
    result = page.locator(".pa-measure-result")
    assert result.is_visible()
    measured = json.loads(result.get_attribute("data-points"))
    assert len(measured) == len(points)
    in_gk = [gk.transform(lon, lat) for lon, lat in measured]
    length = float(result.locator(".pa-measure-length").get_attribute("data-length-m"))
    area = float(result.locator(".pa-measure-area").get_attribute("data-area-m2"))
    assert length == pytest.approx(LineString(in_gk).length, rel=0.005)
    assert area == pytest.approx(Polygon(in_gk).area, rel=0.005)
    assert Polygon(in_gk).area == pytest.approx(plot["properties"]["area_m2"], rel=0.05)
    text = result.inner_text()
    assert "亩" in text and "公顷" in text, text
