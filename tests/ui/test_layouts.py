"""The pages built on the shared ES modules, at a desktop and a small-laptop width.

Each page loads its data with no error and no request to another host, fits the window
(no horizontal scroll), and leaves a screenshot in test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import pytest

from tests.builders import DEMO_PLAN

from .conftest import open_page
from .test_map import MAP, login

pytestmark = pytest.mark.browser

# page → (path, selector that marks its data as loaded)
PAGES = {
    "map": ("/", f"{MAP}[data-loaded='true']"),
    "priorities": ("/priorities", "#pa-priority-table[data-loaded='true']"),
    "idle": ("/idle", "#pa-idle-table[data-loaded='true']"),
    "plan": ("/plans/{plan}", f"{MAP}[data-plan-plots]"),
}


@pytest.mark.parametrize("width", [1440, 1024])
def test_pages_load_and_fit(chromium_browser, live_server, demo_users, artifacts_dir, width):
    page, record = open_page(chromium_browser, width)
    try:
        page.set_default_timeout(60_000)
        login(page, live_server, *demo_users["planner"])  # the demo plan is a draft
        plans = page.request.get(live_server + "/api/v1/plans").json()
        plan = next(p["id"] for p in plans if p["name"] == DEMO_PLAN)
        for name, (path, loaded) in PAGES.items():
            page.goto(live_server + path.format(plan=plan))
            page.wait_for_selector(loaded)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} at {width} px scrolls sideways by {overflow} px"
            page.wait_for_timeout(300)  # let tiles of SVG settle for the picture
            page.screenshot(path=str(artifacts_dir / f"layout-{name}-{width}.png"))
        assert record.page_errors == []
        assert record.console_errors() == []
        assert record.external_requests() == []
    finally:
        page.context.close()
