"""The Content-Security-Policy does not break any page (issue 9): every page, opened in
headless Chromium as a planner (and the login and error pages anonymously), reports no
CSP violation and no error, and the map pages still draw the park's plots."""

from __future__ import annotations

import pytest

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
    assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
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
                                                      chromium_browser):
    page, record = open_page(chromium_browser)
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
        plans = page.request.get(live_server + "/api/v1/plans").json()
        plots = page.request.get(live_server + "/api/v1/plots?limit=1").json()["features"]
        assert plans and plots
        visit(page, record, f"{live_server}/plans/{plans[0]['id']}", plots=True)
        visit(page, record, f"{live_server}/plots/{plots[0]['id']}")
        visit(page, record, live_server + "/plots/999999999", status=404)
        # The measure control (leaflet-measure) works under the policy.
        page.goto(live_server + "/")
        page.wait_for_selector(LOADED, timeout=60_000)
        page.hover(".leaflet-control-measure")
        page.wait_for_timeout(200)
        assert page.evaluate("window.__csp") == []
    finally:
        page.context.close()
