"""Helpers for driving the app in Chromium (imported by the UI test modules; fixtures
stay in tests/ui/conftest.py)."""

from __future__ import annotations

import time


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
