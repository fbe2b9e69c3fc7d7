"""A guest's map in Chromium (issue 9): only the layers a guest may read (zones, plots,
roads), only the supplyable serviced plots, popups without owners or a link to the staff's
plot page, no request refused (no 401/403/404 in the console), no staff menu; at a desktop
and a small-laptop width, with a screenshot in test-artifacts/ for a person to look at."""

from __future__ import annotations

import pytest

from .conftest import open_page
from .test_map import login

pytestmark = pytest.mark.browser

LOADED = ".folium-map[data-loaded='true']"
PLOTS = ".leaflet-pa-plots-pane path"


@pytest.mark.parametrize("width", [1440, 1024])
def test_guest_map_shows_only_supplyable_land(chromium_browser, live_server, demo_users,
                                              artifacts_dir, width):
    page, record = open_page(chromium_browser, width)
    refused = []
    page.on("response", lambda r: refused.append((r.status, r.url)) if r.status >= 400
            else None)
    try:
        page.set_default_timeout(60_000)
        login(page, live_server, *demo_users["guest"])
        page.goto(live_server + "/")
        page.wait_for_selector(LOADED)
        expected = page.request.get(live_server + "/api/v1/plots?limit=5000").json()
        assert 0 < expected["numberMatched"] < 400
        assert page.locator(PLOTS).count() == expected["numberMatched"]
        # the layer control offers zones, plots and roads only
        names = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
        assert len(names) == 3, names
        # the menu has no staff page
        for path in ("/plans", "/rates", "/idle", "/priorities"):
            assert page.locator(f"nav a[href='{path}']").count() == 0, path
        # a popup: code, area, readiness; no owner, no link to the plot page
        page.evaluate("""() => { var pa = ParkAtlas.current;
            var id = Object.keys(pa.plotLayers)[0]; pa.plotLayers[id].openPopup(); }""")
        popup = page.locator(".leaflet-popup-content")
        popup.locator(".pa-readiness-table").wait_for()
        assert popup.locator("a.pa-popup-link").count() == 0
        page.wait_for_timeout(300)
        page.screenshot(path=str(artifacts_dir / f"guest-map-{width}.png"))
        assert refused == [], refused
        assert record.page_errors == [] and record.console_errors() == []
        assert record.external_requests() == []
    finally:
        page.context.close()
