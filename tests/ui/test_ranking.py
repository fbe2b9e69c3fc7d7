"""The 龙虎榜 in a real headless Chromium (issue 12 item 5): a viewer opens the ranking of
the demo park, steps to the previous 旬, filters by flag, downloads the 旬报 and opens it
with openpyxl; screenshots at 1440 and 1024 px for a person to look at. No page logs an
error or asks another host for anything."""

from __future__ import annotations

import io

import openpyxl
import pytest

from tests.ui.browser import login

pytestmark = pytest.mark.browser


def clean(record) -> None:
    assert not record.page_errors, record.page_errors
    assert not record.console_errors(), record.console_errors()
    assert not record.external_requests(), record.external_requests()


@pytest.mark.parametrize("width", [1440, 1024])
def test_a_viewer_reads_the_ranking_and_downloads_the_report(
        ui_pages, live_server, demo_users, artifacts_dir, width):
    page, record = ui_pages(width, 900)
    login(page, live_server, *demo_users["viewer"])
    page.goto(live_server + "/ranking?lang=zh")
    rows = page.locator("#pa-ranking-table tbody tr[data-rank]")
    assert rows.count() > 20
    assert [rows.nth(i).get_attribute("data-rank") for i in range(3)] == ["1", "2", "3"]
    assert page.locator('#pa-ranking-table tr[data-flag="black"]').count() > 0
    assert page.locator("#pa-leader-ranking tbody tr").count() > 1
    page.screenshot(path=str(artifacts_dir / f"ranking-{width}.png"), full_page=True)
    shown = page.get_attribute("#pa-period-name", "data-period")
    with page.expect_navigation():
        page.click("#pa-period-previous")
    assert page.get_attribute("#pa-period-name", "data-period") != shown
    page.select_option("#pa-r-flag", "black")
    with page.expect_navigation():
        page.click("#pa-ranking-filters button[type=submit]")
    flags = {rows.nth(i).get_attribute("data-flag") for i in range(rows.count())}
    assert flags == {"black"}
    with page.expect_download(timeout=90_000) as download:
        page.click('[data-download="report-xlsx"]')
    ws = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).worksheets[0]
    assert ws["A1"].value.endswith("重点项目旬报")
    assert [c.value for c in ws[4]][:3] == ["序号", "项目编号", "项目名称"]
    assert ws.max_row > 4
    clean(record)
