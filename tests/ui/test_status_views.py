"""The land-status views in a real headless Chromium, against the live app and the demo park.

The map's flags and readiness views (legend and plot colours checked against the API's
own filters), a plot popup with its flag reasons and seven-utility readiness table, the
idle land page (sorting, as-of date, links to the plot and to the map's ?plot=<id>) and
the infrastructure priority page (a row selects its segment and highlights the plots it
would serve). Every page must log no error and ask nothing of another host.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.ui.browser import api, wait_until

from .test_map import MAP, PLOT_PATHS, login, open_map

pytestmark = pytest.mark.browser

HATCH = "url(#pa-hatch-government)"
# The plot fills of the two views (parkatlas-map.js FLAG_CLASS_COLOURS, READINESS_COLOURS).
FLAG_FILLS = {"reclaim_due": "#67000d", "idle": "#e31a1c", "idle_government": HATCH,
              "idle_warning": "#fd8d3c", "low_efficiency": "#8e63b8", "conflict": "#2f7fc1",
              "none": "#ececec"}
READINESS_FILLS = {"serviced_7": "#006d2c", "serviced_5": "#31a354", "serviced_3": "#a1d99b",
                   "level_0": "#9a9a9a"}
SELECTED = "#00bcd4"


def park_id(page) -> int:
    return page.evaluate("ParkAtlas.current.cfg.park.id")


def legend_counts(page) -> dict[str, int]:
    """{class id: count} of the plot legend, read from its "label (count)" rows."""
    rows = page.locator(".pa-legend-list[data-view] li[data-class]")
    counts = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        match = re.search(r"[(（](\d+)[)）]\s*$", row.inner_text())
        assert match, row.inner_text()
        counts[row.get_attribute("data-class")] = int(match[1])
    return counts


def path_attrs(page, attr: str) -> list[str]:
    return page.eval_on_selector_all(PLOT_PATHS, f"ps => ps.map(p => p.getAttribute('{attr}'))")


def switch_view(page, view: str) -> None:
    page.select_option(".pa-legend-select", view)
    page.wait_for_selector(f".pa-legend-list[data-view='{view}']")
    wait_until(page, f"document.querySelector('{MAP}').dataset.plotView === '{view}'")


def assert_clean(record) -> None:
    assert record.page_errors == []
    assert record.console_errors() == []
    assert record.external_requests() == []


def test_map_flags_and_readiness_views(live_server, demo_users, artifacts_dir, ui_page):
    page, record = ui_page
    login(page, live_server, *demo_users["viewer"])
    open_map(page, live_server)
    park = park_id(page)
    plots = page.locator(PLOT_PATHS).count()
    stage_fills = path_attrs(page, "fill")

    # Flags view: every plot in one class, most severe first; the legend counts them.
    switch_view(page, "flags")
    counts = legend_counts(page)
    assert set(FLAG_FILLS) | {"idle_disposed"} <= set(counts)
    assert sum(counts[c] for c in FLAG_FILLS) == plots
    fills = path_attrs(page, "fill")
    assert fills != stage_fills
    for cls, colour in FLAG_FILLS.items():
        assert fills.count(colour) == counts[cls], cls
    # Cross-check with the API's own flag filter: a plot with reclaim_due is in that class,
    # and every disposed idle plot has the dashed outline.
    reclaim = api(page, f"/api/v1/plots?park={park}&flag=reclaim_due")["features"]
    disposed = api(page, f"/api/v1/plots?park={park}&flag=idle_disposed")["features"]
    assert counts["reclaim_due"] == len(reclaim) > 0
    assert counts["idle_disposed"] == len(disposed) > 0
    assert counts["idle"] + counts["idle_government"] > 0
    assert path_attrs(page, "stroke-dasharray").count("6 3") == len(disposed)
    # The government-cause hatching is an SVG pattern defined on the page.
    assert page.locator("pattern#pa-hatch-government").count() == 1
    page.screenshot(path=str(artifacts_dir / "map-flags.png"))

    # Readiness view: serviced land in greens by its trade name, the rest by count.
    switch_view(page, "readiness")
    counts = legend_counts(page)
    fills = path_attrs(page, "fill")
    assert sum(counts.values()) == plots
    for cls, colour in READINESS_FILLS.items():
        assert fills.count(colour) == counts.get(cls, 0), cls
    serviced = api(page, f"/api/v1/plots?park={park}&serviced=true")["features"]
    assert counts["serviced_7"] + counts["serviced_5"] + counts["serviced_3"] == len(serviced)
    for cls, name in (("serviced_7", "七通一平"), ("serviced_5", "五通一平"),
                      ("serviced_3", "三通一平")):
        assert page.inner_text(f".pa-legend-list li[data-class='{cls}']").startswith(name)
    page.screenshot(path=str(artifacts_dir / "map-readiness.png"))

    # A flagged plot's popup (found with the search box): its flags as badges, each reason
    # in the page's language, and the seven utilities and levelling as a table.
    target = next(f for f in api(page, f"/api/v1/plots?park={park}&flag=idle_fee_due")["features"])
    detail = api(page, f"/api/v1/plots/{target['properties']['id']}")
    status = detail["properties"]["status"]
    readiness = detail["properties"]["readiness"]
    page.fill(".pa-search-input", target["properties"]["code"])
    page.press(".pa-search-input", "Enter")
    popup = page.locator(".leaflet-popup-content").filter(has_text=target["properties"]["code"])
    popup.locator(".pa-readiness-table").wait_for()
    badges = popup.locator(".pa-flag-badge").evaluate_all(
        "bs => bs.map(b => b.dataset.flag)")
    assert sorted(badges) == sorted(status["flags"]) and "idle_fee_due" in badges
    reasons = popup.locator(".pa-reason").all_inner_texts()
    assert reasons == [r["zh"] for r in status["reasons"]]
    rows = popup.locator(".pa-readiness-table tr")
    utilities = rows.evaluate_all("rs => rs.map(r => r.dataset.utility)")
    assert utilities == ["road", "water", "drainage", "power", "telecom", "gas", "heat",
                         "levelled"]
    for utility, state in readiness["utilities"].items():
        row = popup.locator(f".pa-readiness-table tr[data-utility='{utility}']")
        assert row.get_attribute("class") == f"pa-readiness-{state['state']}"
        if state["state"] == "planned" and state["planned_date"]:
            assert state["planned_date"] in row.inner_text()
        if state["state"] == "missing" and state["distance_m"] is not None:
            assert "米" in row.inner_text()
    page.wait_for_timeout(400)  # popup fade-in, for the screenshot
    page.screenshot(path=str(artifacts_dir / "map-popup-status.png"))
    assert_clean(record)


def test_popup_escapes_reasons(live_server, demo_users, ui_page):
    """Reason sentences are text: markup in them is shown, never interpreted."""
    page, record = ui_page
    login(page, live_server, *demo_users["viewer"])
    evil = '<img src=x onerror="window.__pwned=1"><b class="evil">bold</b>'

    def inject(route):
        body = route.fetch().json()
        body["properties"]["status"]["reasons"] = [
            {"rule": "idle.type_a", "values": {}, "zh": evil, "en": evil}]
        body["properties"]["readiness"]["level_name"] = evil
        route.fulfill(status=200, content_type="application/geo+json", body=json.dumps(body))

    page.route(re.compile(r".*/api/v1/plots/\d+(\?.*)?$"), inject)
    open_map(page, live_server)
    page.evaluate("ParkAtlas.current.focusPlot(Object.keys(ParkAtlas.current.plotLayers)[0])")
    popup = page.locator(".leaflet-popup-content")
    popup.locator(".pa-reason").wait_for()
    assert popup.locator(".pa-reason").inner_text() == evil
    assert popup.locator(".pa-level-badge").inner_text() == evil
    assert popup.locator("b.evil, img").count() == 0
    assert page.evaluate("window.__pwned") is None
    assert_clean(record)


def test_idle_page(live_server, demo_users, artifacts_dir, ui_page):
    page, record = ui_page
    login(page, live_server, *demo_users["viewer"])
    page.goto(live_server + "/idle")
    table = "#pa-idle-table"
    page.wait_for_selector(f"{table}[data-loaded='true']")
    park = page.evaluate("JSON.parse(document.getElementById('pa-idle-config').textContent)"
                         ".park.id")
    data = api(page, f"/api/v1/idle?park={park}")
    rows = page.locator(f"{table} tbody tr")
    assert rows.count() == len(data["plots"]) > 0

    # Default order: days left, ascending (blank last).
    assert page.get_attribute(f"{table} th[data-sort='days_left']", "aria-sort") == "ascending"
    days = [int(d) for d in page.eval_on_selector_all(
        f"{table} td.pa-days-left", "tds => tds.map(t => t.dataset.days)") if d != ""]
    assert days == sorted(days)
    page.screenshot(path=str(artifacts_dir / "idle.png"))

    # Sort by area, then the other way round.
    page.click(f"{table} th[data-sort='area_mu'] button")
    assert page.get_attribute(f"{table} th[data-sort='area_mu']", "aria-sort") == "ascending"
    assert page.get_attribute(f"{table} th[data-sort='days_left']", "aria-sort") is None

    def areas():
        # the fifth column: code, zone, owner, land user, area
        return [float(t.replace(",", "")) for t in page.eval_on_selector_all(
            f"{table} tbody tr td:nth-child(5)", "tds => tds.map(t => t.textContent)")]

    assert areas() == sorted(areas())
    page.click(f"{table} th[data-sort='area_mu'] button")
    assert page.get_attribute(f"{table} th[data-sort='area_mu']", "aria-sort") == "descending"
    assert areas() == sorted(areas(), reverse=True)

    # The flags of a row are badges; the plot code links to the plot page, "map" to the map.
    first = rows.first
    plot = first.get_attribute("data-plot-id")
    assert first.locator(".pa-flag-badge").count() >= 1
    assert first.locator("td.pa-col-code a").get_attribute("href").endswith(f"/plots/{plot}")
    assert first.locator("a.pa-map-link").get_attribute("href").endswith(f"/?plot={plot}")

    # Another date reloads the data (fewer plots were idle two years earlier).
    page.fill("#pa-idle-asof", "2024-11-01")
    page.dispatch_event("#pa-idle-asof", "change")
    page.wait_for_selector(f"{table}[data-evaluated-on='2024-11-01']")
    earlier = api(page, f"/api/v1/idle?park={park}&as_of=2024-11-01")
    assert rows.count() == len(earlier["plots"]) != len(data["plots"])
    assert "as_of=2024-11-01" in page.url

    # The plot page shows the plot's status (each flag with its reasons) and readiness.
    target = rows.first.get_attribute("data-plot-id")
    rows.first.locator("td.pa-col-code a").click()
    page.wait_for_url(re.compile(rf"/plots/{target}$"))
    detail = api(page, f"/api/v1/plots/{target}")["properties"]
    flags = page.locator("#plot-status .pa-plot-flags > li").evaluate_all(
        "ls => ls.map(l => l.dataset.flag)")
    assert sorted(flags) == sorted(detail["status"]["flags"])
    shown = page.locator("#plot-status .pa-reason").all_inner_texts()
    assert sorted(shown) == sorted(r["zh"] for r in detail["status"]["reasons"])
    assert page.locator("#plot-readiness-table tbody tr").count() == 8
    page.go_back()

    # "map" opens the map on that plot, its popup open (the map honours ?plot=<id>).
    page.wait_for_selector(f"{table}[data-loaded='true']")
    row = page.locator(f"{table} tbody tr[data-plot-id='{target}']")
    code = row.locator("td.pa-col-code a").inner_text()
    row.locator("a.pa-map-link").click()
    page.wait_for_url(re.compile(rf"/\?plot={target}"))
    page.wait_for_selector(f"{MAP}[data-selected-plot='{target}']", timeout=60_000)
    page.locator(".leaflet-popup-content").filter(has_text=code).locator(
        ".pa-readiness-table").wait_for()
    inside = page.evaluate(
        "id => { const pa = ParkAtlas.current;"
        " return pa.map.getBounds().contains(pa.plotLayers[id].getCenter())"
        " && pa.map.getZoom() >= 15; }", target)
    assert inside
    assert_clean(record)


def test_map_opens_plot_from_url(live_server, demo_users, ui_page):
    """/?plot=<id> zooms to the plot and opens its popup once the map has loaded."""
    page, record = ui_page
    login(page, live_server, *demo_users["viewer"])
    page.goto(live_server + "/")
    plots = api(page, "/api/v1/plots?limit=500")["features"]
    target = plots[len(plots) // 2]["properties"]
    page.goto(live_server + f"/?plot={target['id']}")
    page.wait_for_selector(f"{MAP}[data-selected-plot='{target['id']}']", timeout=60_000)
    popup = page.locator(".leaflet-popup-content").filter(has_text=target["code"])
    popup.locator(".pa-popup-status .pa-popup-section").first.wait_for()
    assert page.evaluate("ParkAtlas.current.map.getZoom()") >= 16
    # An unknown id says so instead of failing silently.
    page.goto(live_server + "/?plot=999999")
    page.wait_for_selector(".pa-map-error")
    assert "999999" in page.inner_text(".pa-map-error")
    assert record.page_errors == []
    assert record.external_requests() == []
    # The only console error allowed is the browser's note of that 404 response.
    assert all("404" in text for _, text, _ in record.console_errors()), record.console_errors()


def test_priorities_page(live_server, demo_users, artifacts_dir, ui_page):
    page, record = ui_page
    login(page, live_server, *demo_users["viewer"])
    page.goto(live_server + "/priorities")
    table = "#pa-priority-table"
    page.wait_for_selector(f"{table}[data-loaded='true']", timeout=60_000)
    park = park_id(page)
    data = api(page, f"/api/v1/readiness/priority?park={park}")
    rows = page.locator(f"{table} tbody tr")
    assert rows.count() == len(data["features"]) > 0
    ranks = [int(r) for r in rows.evaluate_all("rs => rs.map(r => r.dataset.rank)")]
    assert ranks == sorted(ranks) and ranks[0] == 1
    # The map beside it is coloured by readiness and draws the planned segments.
    assert page.get_attribute(MAP, "data-plot-view") == "readiness"
    assert page.locator(".leaflet-pa-extra-pane path").count() >= 1

    # Select the best-ranked segment that serves some plots: the map zooms to it and
    # highlights exactly those plots.
    best = next(f["properties"] for f in data["features"] if f["properties"]["plot_ids"])
    key = f"{best['kind']}:{best['feature_id']}"
    row = page.locator(f"{table} tbody tr[data-key='{key}']")
    row.click()
    page.wait_for_selector(f"{MAP}[data-selected-segment='{key}'][data-segment-plots]")
    assert "pa-selected" in row.get_attribute("class")
    assert int(page.get_attribute(MAP, "data-highlighted")) == len(best["plot_ids"])
    strokes = path_attrs(page, "stroke")
    assert strokes.count(SELECTED) == len(best["plot_ids"])
    highlighted = page.evaluate(
        """() => { const pa = ParkAtlas.current;
             return Object.keys(pa.highlighted).filter(id => pa.plotLayers[id]
               && pa.map.getBounds().intersects(pa.plotLayers[id].getBounds())).length; }""")
    assert highlighted == len(best["plot_ids"])
    assert page.locator(".leaflet-pa-extra-pane path[stroke='#00bcd4']").count() >= 1
    assert best["name"] in page.inner_text("#pa-priority-selected")
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts_dir / "priorities.png"))

    # Sorting by another column keeps the selection.
    page.click(f"{table} th[data-sort='newly_serviced_mu'] button")
    assert page.get_attribute(f"{table} th[data-sort='newly_serviced_mu']",
                              "aria-sort") == "ascending"
    assert "pa-selected" in page.locator(f"{table} tbody tr[data-key='{key}']").get_attribute(
        "class")
    assert_clean(record)


def test_status_pages_in_english(live_server, demo_users, ui_page):
    """?lang=en: the headers and the flag badges are English."""
    page, record = ui_page
    login(page, live_server, *demo_users["viewer"])
    page.goto(live_server + "/idle?lang=en")
    page.wait_for_selector("#pa-idle-table[data-loaded='true']")
    headers = page.locator("#pa-idle-table thead th").all_inner_texts()
    assert "Days left" in " ".join(headers)
    badges = set(page.locator("#pa-idle-table .pa-flag-badge").all_inner_texts())
    assert "Idle land" in badges
    assert_clean(record)


def test_priorities_page_waits_out_a_computation(db_url, demo_users, artifacts_dir, ui_pages,
                                                 monkeypatch):
    """A ranking not ready in time (503 `computing`, app/answers.py): the page says so and
    asks again when the Retry-After says, then shows the ranking."""
    import threading

    from app import answers
    from tests.builders import make_app, serving

    compute, calls = answers.KINDS["priority"], []

    def slow(conn, park_id, day):
        calls.append(day)
        threading.Event().wait(2.5)
        return compute(conn, park_id, day)

    monkeypatch.setitem(answers.KINDS, "priority", slow)
    monkeypatch.setattr(answers, "FIRST_GUESS_SECONDS", 1)
    application = make_app(db_url, ANSWER_WAIT_SECONDS=0.05)
    with serving(application) as base:
        page, record = ui_pages(1024, 768)
        login(page, base, *demo_users["viewer"])
        page.goto(base + "/priorities")
        table = "#pa-priority-table"
        page.wait_for_selector(f"{table}[data-loaded='computing']", timeout=30_000)
        assert "正在计算" in page.inner_text("#pa-priority-summary")
        assert page.is_hidden("#pa-priority-error")
        page.screenshot(path=str(artifacts_dir / "priorities-computing.png"))
        page.wait_for_selector(f"{table}[data-loaded='true']", timeout=60_000)
        assert page.locator(f"{table} tbody tr").count() > 0
        assert len(calls) == 1
        assert record.page_errors == [] and record.external_requests() == []
        # the browser logs the 503 itself, nothing else
        assert all("503" in text for _kind, text, _url in record.console_errors())
    application.extensions["parkatlas_pool"].close()
