"""Helpers for driving the app in Chromium (imported by the UI test modules; fixtures
stay in tests/ui/conftest.py)."""

from __future__ import annotations

import re
import time

from shapely.geometry import shape


def login(page, base_url: str, username: str, password: str) -> None:
    """Log in through the login form."""
    page.goto(base_url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit]")


def wait_until(page, expression: str, timeout_s: float = 20.0) -> None:
    """Poll a JavaScript expression until it is true. (page.wait_for_function compiles a
    bare expression with eval in the page, which the pages' CSP — no 'unsafe-eval' —
    refuses; page.evaluate goes through the DevTools protocol.)"""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_s} s: {expression}")
        page.wait_for_timeout(100)


def screen_point(page, lon: float, lat: float) -> dict:
    """Where a lon/lat point is on the page of the park map (ParkAtlas.current)."""
    return page.evaluate(
        """([lon, lat]) => { const pa = ParkAtlas.current;
             const p = pa.map.latLngToContainerPoint(pa.toDisplay(lon, lat));
             const r = pa.map.getContainer().getBoundingClientRect();
             return {x: r.left + p.x, y: r.top + p.y}; }""", [lon, lat])


def fit_map(page, bounds, padding: int = 90) -> None:
    """Fit the park map to lon/lat bounds (west, south, east, north), without animation."""
    page.evaluate(
        """([w, s, e, n, pad]) => { const pa = ParkAtlas.current;
             pa.map.fitBounds(L.latLngBounds(pa.toDisplay(w, s), pa.toDisplay(e, n)),
                              {padding: [pad, pad], animate: false}); }""",
        [*bounds, padding])


def api(page, path: str):
    """GET an API document with the page's session (path relative to the page's origin)."""
    origin = re.match(r"https?://[^/]+", page.url)[0]
    response = page.request.get(origin + path)
    assert response.ok, (path, response.status, response.text()[:300])
    return response.json()


def plot_shape(page, code: str):
    """The plot's geometry (lon/lat) from GET /api/v1/plots?code=… (a prefix match)."""
    features = api(page, f"/api/v1/plots?code={code}")["features"]
    match = [f for f in features if f["properties"]["code"] == code]
    assert len(match) == 1, (code, [f["properties"]["code"] for f in features])
    return shape(match[0]["geometry"])


def click_plot(page, code: str) -> None:
    """Click inside a plot on the park map, fitted to it first."""
    geom = plot_shape(page, code)
    fit_map(page, geom.bounds)
    inside = geom.representative_point()
    at = screen_point(page, inside.x, inside.y)
    page.mouse.click(at["x"], at["y"])


def fold_legend(page) -> None:
    """Fold the park map's legend away (it starts folded on a map narrower than 900 px)."""
    if page.get_attribute(".pa-legend-toggle", "aria-expanded") == "true":
        page.click(".pa-legend-toggle")
    assert page.get_attribute(".pa-legend-toggle", "aria-expanded") == "false"
