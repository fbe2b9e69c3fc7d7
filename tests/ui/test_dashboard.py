"""The dashboard in a real headless Chromium (issue 15 item 2): a viewer opens the demo
park's dashboard, the four charts are drawn (canvases with pixels) with their print copies,
a number clicked leads to the plots behind it, the zone chooser narrows the numbers, and
the print view (A4 landscape, the charts as images) is captured; screenshots at 1440 and
1024 px for a person to look at. No page logs an error or asks another host for anything."""

from __future__ import annotations

import pytest

from tests.ui.browser import login, wait_until

pytestmark = pytest.mark.browser

CHARTS = ("pa-chart-rates", "pa-chart-areas", "pa-chart-zones", "pa-chart-stages")
# how many pixels of a chart's canvas are not blank
INKED = """(id) => { const c = document.querySelector('#' + id + ' canvas');
  if (!c) return 0; const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }"""


def clean(record) -> None:
    assert not record.page_errors, record.page_errors
    assert not record.console_errors(), record.console_errors()
    assert not record.external_requests(), record.external_requests()


@pytest.mark.parametrize("width", [1440, 1024])
def test_a_viewer_reads_the_dashboard_and_follows_a_number_to_its_plots(
        ui_pages, live_server, demo_users, artifacts_dir, width):
    page, record = ui_pages(width, 900)
    login(page, live_server, *demo_users["viewer"])
    page.goto(live_server + "/dashboard?lang=zh")
    assert page.locator(".pa-card").count() == 14
    for chart in CHARTS:
        wait_until(page, f"document.querySelector('#{chart} canvas') !== null")
        assert page.evaluate(INKED, chart) > 1000, chart
    wait_until(page, "[...document.querySelectorAll('img.pa-chart-print')]"
                     ".every(i => i.src.startsWith('data:image/png'))")
    page.screenshot(path=str(artifacts_dir / f"dashboard-{width}.png"), full_page=True)
    if width == 1440:
        page.emulate_media(media="print")
        page.screenshot(path=str(artifacts_dir / "dashboard-print.png"), full_page=True)
        assert not page.locator("#pa-chart-rates").is_visible()
        assert page.locator("img.pa-chart-print").first.is_visible()
        pdf = page.pdf(prefer_css_page_size=True)  # A4 landscape from the @page rule
        assert pdf.startswith(b"%PDF")
        page.emulate_media(media="screen")
    value = page.locator('.pa-card[data-key="approved_not_supplied"] .pa-card-value')
    with page.expect_navigation():
        value.click()
    assert "/dashboard/plots" in page.url and "key=approved_not_supplied" in page.url
    assert page.locator("#pa-indicator-plots tbody tr[data-plot]").count() > 0
    page.screenshot(path=str(artifacts_dir / f"dashboard-plots-{width}.png"), full_page=True)
    page.goto(live_server + "/dashboard?lang=en")
    zone = page.locator("#pa-zone option").nth(1).get_attribute("value")
    with page.expect_navigation():
        page.select_option("#pa-zone", zone)
    assert f"zone={zone}" in page.url
    assert page.locator(".pa-card").count() == 14
    clean(record)


@pytest.mark.parametrize("width", [1440, 1024])
def test_an_administrator_recomputes_the_park_from_the_dashboard_and_sees_its_progress(
        ui_pages, job_server, demo_users, conn, artifacts_dir, width):
    """The recompute (issue 14 item 5) starts as a job from the dashboard; its row shows the
    progress in the page's language until it is done, then a reload link; the stored
    results are today's afresh. A viewer has no such button."""
    before = conn.execute("SELECT max(computed_at) AS t FROM plot_status").fetchone()["t"]
    page, record = ui_pages(width, 900)
    login(page, job_server, *demo_users["admin"])
    page.goto(job_server + "/dashboard?lang=zh")
    page.click("#pa-recompute-start")
    row = page.locator("#pa-recompute-jobs .pa-job")
    row.wait_for()
    assert "重算" in row.locator(".pa-job-label").inner_text()
    wait_until(page, "document.querySelector('#pa-recompute-jobs .pa-job')"
                     ".dataset.state === 'done'", timeout_s=120)
    assert row.locator(".progress").get_attribute("aria-valuenow") == "100"
    assert row.locator(".pa-job-reload").inner_text() == "重新加载"
    page.screenshot(path=str(artifacts_dir / f"dashboard-recompute-{width}.png"))
    job = conn.execute("SELECT kind, state, park_id, created_by FROM jobs "
                       "ORDER BY id DESC LIMIT 1").fetchone()
    assert (job["kind"], job["state"], job["created_by"]) == ("recompute", "done", "test-admin")
    after = conn.execute("SELECT min(computed_at) AS t FROM plot_status").fetchone()["t"]
    assert after > before  # every plot's status was written again
    clean(record)
    if width == 1024:
        viewer, _ = ui_pages(width, 900)
        login(viewer, job_server, *demo_users["viewer"])
        viewer.goto(job_server + "/dashboard?lang=zh")
        assert viewer.locator("#pa-recompute").count() == 0
