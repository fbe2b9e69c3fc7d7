"""Projects in a real headless Chromium (issue 12 item 1): a planner creates a project with
the form, adds a milestone and a progress report on its page and sees them, its flag and
its history; the list finds it; screenshots of the list, the page and the form at 1440 and
1024 px for a person to look at. No page logs an error or asks another host for anything."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.ui.browser import login

pytestmark = pytest.mark.browser


def clean(record) -> None:
    assert not record.page_errors, record.page_errors
    assert not record.console_errors(), record.console_errors()
    assert not record.external_requests(), record.external_requests()


def test_a_planner_creates_a_project_and_records_a_milestone_and_a_report(
        ui_pages, live_server, demo_users, artifacts_dir):
    page, record = ui_pages(1440, 900)
    login(page, live_server, *demo_users["planner"])
    page.goto(live_server + "/projects")
    with page.expect_navigation():
        page.click("#pa-project-new")
    page.fill("#pa-p-code", "TP-UI-1")
    page.fill("#pa-p-name", "<b>浏览器测试</b>新能源项目")
    page.fill("#pa-p-company", "岳阳某某新能源有限公司")
    page.fill("#pa-p-industry_code", "3841")
    assert page.text_content("#pa-industry-name") == "38 电气机械和器材制造业"  # named as typed
    page.select_option("#pa-p-stage", "land_supplied")
    page.fill("#pa-p-planned_investment", "80000")
    page.check("#pa-tag-provincial_key")
    page.fill("#pa-p-tags_free", "2+10")
    page.fill("#pa-p-leader", "王副主任")
    page.fill("#pa-p-responsible_unit", "招商合作局")
    page.fill("#pa-p-service_official", "李代办")
    page.screenshot(path=str(artifacts_dir / "project-form-1440.png"), full_page=True)
    with page.expect_navigation():
        page.click("#pa-project-save")
    assert page.text_content("#pa-project-title") == "<b>浏览器测试</b>新能源项目"
    fields = page.text_content("#pa-project-fields")
    assert "3841" in fields and "电气机械和器材制造业" in fields and "招商合作局" in fields

    planned = date.today() - timedelta(days=30)
    page.select_option("#pa-ma-stage", "started")
    page.fill("#pa-ma-planned", planned.isoformat())
    with page.expect_navigation():
        page.click("#pa-milestone-add button[type=submit]")
    row = page.locator('#pa-milestone-table tr[data-stage="started"]')
    assert row.count() == 1
    assert int(row.locator(".pa-days-late").text_content()) >= 29
    assert page.get_attribute(".pa-project-flag", "data-flag") == "black"
    assert "开工节点计划" in page.text_content("#pa-project-flag")

    page.fill("#pa-pr-date", (date.today() - timedelta(days=1)).isoformat())
    page.fill("#pa-pr-pct", "15")
    page.fill("#pa-pr-inv", "12000")
    page.fill("#pa-pr-note", "桩基施工")
    with page.expect_navigation():
        page.click("#pa-progress-add button[type=submit]")
    report = page.locator("#pa-progress-table tr[data-report-id]")
    assert report.count() == 1
    assert report.locator(".pa-progress-pct").input_value() == "15"
    assert report.locator("input[name=note]").input_value() == "桩基施工"
    assert "12,000.00" in page.text_content("#pa-project-fields")  # follows the report
    # the report corrected in its row: 18 %, another note
    report.locator(".pa-progress-pct").fill("18")
    report.locator("input[name=note]").fill("桩基施工完成")
    with page.expect_navigation():
        report.locator("button[value=save]").click()
    report = page.locator("#pa-progress-table tr[data-report-id]")
    assert report.locator(".pa-progress-pct").input_value() == "18"
    assert report.locator("input[name=note]").input_value() == "桩基施工完成"
    page.locator("#pa-progress").screenshot(path=str(artifacts_dir / "project-progress-1440.png"))
    # created, milestone, report, the completed investment that followed the report, and
    # the report's correction
    history = page.locator("#pa-project-history .pa-history-entry")
    assert history.count() == 5
    assert "12000" in page.text_content("#pa-project-history")
    page.screenshot(path=str(artifacts_dir / "project-page-1440.png"), full_page=True)

    page.goto(live_server + "/projects?q=TP-UI")
    rows = page.locator("#pa-project-table tbody tr[data-project-id]")
    assert rows.count() == 1 and rows.first.get_attribute("data-flag") == "black"
    clean(record)

    narrow, narrow_record = ui_pages(1024, 768)
    login(narrow, live_server, *demo_users["planner"])
    for path, name in (("/projects", "projects"), (page.url, None)):
        narrow.goto(path if path.startswith("http") else live_server + path)
        if name:
            narrow.screenshot(path=str(artifacts_dir / "projects-1024.png"), full_page=True)
    narrow.goto(live_server + "/projects")
    narrow.click("#pa-project-table tbody tr[data-project-id] a")
    narrow.wait_for_load_state()
    narrow.screenshot(path=str(artifacts_dir / "project-page-1024.png"), full_page=True)
    page.goto(live_server + "/projects")
    page.screenshot(path=str(artifacts_dir / "projects-1440.png"), full_page=True)
    clean(narrow_record)
