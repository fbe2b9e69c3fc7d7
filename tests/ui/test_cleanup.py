"""The clean-up lists in a real headless Chromium (issue 15 items 4–5): a planner opens the
idle list of the demo park, filters it, exports it and opens the workbook with openpyxl,
then records an idle-fee decision from a row (the amount pre-filled from the land price)
and finds it in the list; screenshots at 1440 and 1024 px. No page logs an error or asks
another host for anything."""

from __future__ import annotations

import io

import openpyxl
import pytest

from tests.ui.browser import login

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1440, 1024])
def test_a_planner_filters_exports_and_records_a_decision(
        ui_pages, live_server, demo_users, artifacts_dir, width):
    page, record = ui_pages(width, 900)
    login(page, live_server, *demo_users["planner"])
    page.goto(live_server + "/cleanup/idle?lang=zh")
    rows = page.locator("#pa-cleanup-table tbody tr[data-plot-id]")
    assert rows.count() > 0
    assert page.locator("#pa-cleanup-tabs .active").get_attribute("data-list") == "idle"
    page.screenshot(path=str(artifacts_dir / f"cleanup-idle-{width}.png"), full_page=True)
    page.select_option("#pa-f-kind", "idle_a")
    with page.expect_navigation():
        page.click("#pa-cleanup-apply")
    assert rows.count() > 0
    for i in range(rows.count()):
        assert rows.nth(i).locator('[data-kind="idle_a"]').count() == 1
    with page.expect_download(timeout=90_000) as download:
        page.click("#pa-cleanup-export")
    ws = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).worksheets[0]
    assert ws["A1"].value.endswith("闲置土地清单")
    assert [c.value for c in ws[4]][:2] == ["序号", "地块编号"]
    assert ws.max_row == 4 + rows.count() + 1  # heading, the plots, the totals
    code = rows.first.get_attribute("data-code")
    with page.expect_navigation():
        rows.first.locator(".pa-dispose").click()
    page.select_option("#pa-d-kind", "fee")
    assert page.locator("#pa-d-deadline").is_hidden()
    amount = page.locator("#pa-d-amount")
    fee = amount.get_attribute("data-fee")
    if fee:
        assert float(amount.input_value()) == pytest.approx(float(fee))
    else:
        amount.fill("10")
    page.fill("#pa-d-doc", f"荆开管〔2026〕{width}号")
    page.screenshot(path=str(artifacts_dir / f"cleanup-disposal-{width}.png"), full_page=True)
    with page.expect_navigation():
        page.click("#pa-disposal-save")
    assert "/cleanup/idle" in page.url
    row = page.locator(f'#pa-cleanup-table tbody tr[data-code="{code}"]')
    assert "征缴闲置费" in row.inner_text() and f"{width}号" in row.inner_text()
    page.screenshot(path=str(artifacts_dir / f"cleanup-after-{width}.png"), full_page=True)
    with page.expect_navigation():
        page.click('#pa-cleanup-tabs [data-list="low_efficiency"]')
    assert page.locator("#pa-cleanup-table [data-indicator]").count() > 0  # failing, by how much
    page.screenshot(path=str(artifacts_dir / f"cleanup-low-{width}.png"), full_page=True)
    assert not record.page_errors, record.page_errors
    assert not record.console_errors(), record.console_errors()
    assert not record.external_requests(), record.external_requests()
