"""The 亩均效益 page in a real headless Chromium (issue 15 item 3): a planner evaluates the
demo park's current year, reads the ranked table and the class totals, sees the map
coloured by class, filters by class, opens a firm's trend and downloads the XLSX (read
back with openpyxl); screenshots at 1440 and 1024 px for a person to look at. No page
logs an error or asks another host for anything."""

from __future__ import annotations

import io

import openpyxl
import pytest

from tests.ui.browser import login, wait_until

pytestmark = pytest.mark.browser
COLOURS = {"A": "#1a9641", "B": "#a6d96a", "C": "#fdae61", "D": "#d7191c"}


@pytest.mark.parametrize("width", [1440, 1024])
def test_a_planner_evaluates_and_reads_the_classes_on_the_map(
        ui_pages, live_server, demo_users, artifacts_dir, width):
    page, record = ui_pages(width, 900)
    login(page, live_server, *demo_users["planner"])
    page.goto(live_server + "/evaluation?lang=zh")
    assert page.locator("#pa-evaluation-none").count() == 1  # nothing kept yet
    with page.expect_navigation():
        page.click("#pa-evaluation-run button[type=submit]")
    rows = page.locator("#pa-evaluation-table tbody tr[data-enterprise]")
    assert rows.count() > 100
    assert page.locator("#pa-evaluation-table tbody tr").first.get_attribute("data-class") == "A"
    counts = page.locator("#pa-evaluation-totals td[data-count]")
    assert sum(int(counts.nth(i).get_attribute("data-count")) for i in range(5)) == rows.count()
    # the map: the class view, each enterprise's plots in its class's colour
    wait_until(page, "ParkAtlas.current && ParkAtlas.current.plotView === 'evaluation'")
    row = rows.nth(0)
    plot_id = row.get_attribute("data-plots").split(",")[0]
    fill = page.evaluate(f"ParkAtlas.current.plotLayers['{plot_id}'].options.fillColor")
    assert fill == COLOURS["A"]
    last = rows.nth(rows.count() - 1)
    last_plot = last.get_attribute("data-plots").split(",")[0]
    assert page.evaluate(f"ParkAtlas.current.plotLayers['{last_plot}'].options.fillColor") == \
        COLOURS[last.get_attribute("data-class")]
    assert page.locator(".pa-legend").text_content().count("类") >= 4
    page.screenshot(path=str(artifacts_dir / f"evaluation-{width}.png"), full_page=True)
    # clicking a row picks out its plots
    row.locator("td").first.click()
    wait_until(page, "ParkAtlas.current.container.getAttribute('data-highlighted') === '"
               + str(len(row.get_attribute("data-plots").split(","))) + "'")
    # filter by class D
    page.select_option("#pa-e-class", "D")
    with page.expect_navigation():
        page.click("#pa-evaluation-filters button[type=submit]")
    classes = {rows.nth(i).get_attribute("data-class") for i in range(rows.count())}
    assert classes == {"D"}
    # a firm's classes over the years
    with page.expect_navigation():
        rows.nth(0).locator("a").first.click()
    assert page.locator("#pa-evaluation-trend tr[data-year]").count() == 1
    # the export of the filtered list
    with page.expect_download(timeout=90_000) as download:
        page.click("#pa-evaluation-export")
    ws = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).worksheets[0]
    assert ws["A1"].value.endswith("年度亩均效益评价")
    headings = [c.value for c in ws[4]]
    assert "面积 (亩)" in headings and "等级" in headings
    assert {r[headings.index("等级")] for r in ws.iter_rows(min_row=5, values_only=True)} == {"D"}
    assert ws.max_row - 4 == rows.count()
    page.screenshot(path=str(artifacts_dir / f"evaluation-trend-{width}.png"), full_page=True)
    assert not record.page_errors, record.page_errors
    assert not record.console_errors(), record.console_errors()
    assert not record.external_requests(), record.external_requests()
