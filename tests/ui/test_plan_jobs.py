"""The plan page's long exports as jobs, in a real headless Chromium (app/jobs/,
static/js/plan-jobs.js): the package starts as a job, its row shows a progress bar with
the stage in the page's language, then the download link; the ZIP holds every file of the
manifest; the rows survive a reload; a failed job shows its message; the short formats stay
direct downloads. The app runs one job worker thread, as in production."""

from __future__ import annotations

import json
import re
import zipfile

import pytest

from app import exporters
from app.exporters import package

from .browser import login, wait_until
from .conftest import open_page

pytestmark = pytest.mark.browser

DEMO_PLAN = "北区2026年度第一批次城镇建设用地征收方案"
ROW = "#pa-plan-jobs .pa-job"


def plan_page(browser, base, demo_users, conn, width=1440, lang="zh"):
    page, record = open_page(browser, width=width)
    login(page, base, *demo_users["planner"])
    plan = conn.execute("SELECT id FROM requisition_plans WHERE name = %s",
                        (DEMO_PLAN,)).fetchone()["id"]
    page.goto(f"{base}/plans/{plan}?lang={lang}")
    page.wait_for_selector("#pa-plan-exports")
    return page, record, plan


def progress_of(page) -> list:
    return page.evaluate("""Array.from(document.querySelectorAll('#pa-plan-jobs .pa-job'))
        .map(r => [r.dataset.state, Number(r.querySelector('.progress')
                   .getAttribute('aria-valuenow')), r.querySelector('.pa-job-message')
                   .textContent])""")


def test_the_package_runs_as_a_job_with_a_progress_bar_then_downloads(
        chromium_browser, job_server, demo_users, conn, artifacts_dir):
    page, record, plan = plan_page(chromium_browser, job_server, demo_users, conn)
    links = page.locator("#pa-plan-exports a[data-job]")
    assert links.evaluate_all("as => as.map(a => a.dataset.format)") == \
        list(exporters.LONG_FORMATS) == ["package", "pdf"]
    page.click("#pa-plan-exports a[data-format='package']")
    page.wait_for_selector(ROW)
    wait_until(page, "(() => { const r = document.querySelector('#pa-plan-jobs .pa-job');"
                     " return r && r.dataset.state === 'done'; })()", timeout_s=120)
    seen = progress_of(page)
    assert seen[0][:2] == ["done", 100] and seen[0][2] == "已完成"
    assert page.inner_text(f"{ROW} .pa-job-label") == "报批材料包（ZIP）"
    with page.expect_download() as download:
        page.click(f"{ROW} a.pa-job-download")
    assert download.value.suggested_filename == f"{DEMO_PLAN}_v1_报批材料包.zip"
    with zipfile.ZipFile(download.value.path()) as archive:
        names = [n for n in archive.namelist() if not n.endswith("/")]
        manifest = json.loads(archive.read(next(n for n in names
                                                if n.endswith(package.MANIFEST_JSON))))
        assert f"{DEMO_PLAN}_v1_报批材料包/清单.txt" in names
    listed = {f"{DEMO_PLAN}_v1_报批材料包/{f['path']}" for f in manifest["files"]}
    assert listed | {n for n in names if n.endswith(("manifest.json", "清单.txt"))} == set(names)
    assert {f["format"] for f in manifest["files"]} == set(package.CONTENTS)
    assert len(names) >= 10
    # the row is still there after a reload, with its link
    page.reload()
    page.wait_for_selector(f"{ROW} a.pa-job-download")
    assert record.page_errors == [] and record.console_errors() == []
    assert record.external_requests() == []


def test_the_bar_moves_while_the_worker_writes_the_files(chromium_browser, job_server,
                                                          demo_users, conn):
    """The page asks every second; the worker writes each stage: the page sees the job
    queued or running with a stage text before it sees it done."""
    page, record, plan = plan_page(chromium_browser, job_server, demo_users, conn)
    page.click("#pa-plan-exports a[data-format='package']")
    page.wait_for_selector(ROW)
    states = []
    for _ in range(1200):  # what the page shows, read every 0.1 s (at most 2 minutes)
        states.append(progress_of(page)[0])
        if states[-1][0] in ("done", "failed"):
            break
        page.wait_for_timeout(100)
    assert states[-1][0] == "done"
    assert any(s in ("queued", "running") for s, _p, _m in states)
    percents = [p for _s, p, _m in states]
    assert percents == sorted(percents)
    stages = {"正在计算方案数据", "正在生成清单并打包 ZIP", "排队等待处理", *(
        f"正在生成{label}" for label in (
            "报批坐标（TXT）", "Excel 工作簿（XLSX）", "界址点成果表（XLSX）",
            "DXF（CAD）", "Shapefile（ZIP）", "GeoPackage", "PDF 报告"))}
    # the PDF report's pages as they are laid out ("正在排版 PDF 报告第 3 页")
    assert all(m in stages or re.fullmatch(r"正在排版 PDF 报告第 \d+ 页", m)
               for s, _p, m in states if s == "running"), states
    assert record.page_errors == []


def test_a_failed_export_shows_its_message_in_english(chromium_browser, job_server,
                                                      demo_users, conn, artifacts_dir):
    conn.execute("UPDATE parks SET settings = jsonb_set(settings, '{editing}', "
                 "'{\"max_overlap_m2\": 1e9}')")
    page, record, plan = plan_page(chromium_browser, job_server, demo_users, conn, lang="en")
    # a draft that became wrong after the page was shown: the job fails, the page says why
    conn.execute("UPDATE plots SET geom = ST_Multi(ST_Transform(ST_Buffer(geom_gk, 5), 4490)) "
                 "WHERE code = 'NQ-04-01'")
    page.click("#pa-plan-exports a[data-format='pdf']")
    wait_until(page, "(() => { const r = document.querySelector('#pa-plan-jobs .pa-job');"
                     " return r && r.dataset.state === 'failed'; })()", timeout_s=60)
    message = page.inner_text(f"{ROW} .pa-job-message")
    assert "overlap" in message.lower() and page.inner_text(f"{ROW} .pa-job-label") == \
        "PDF report"
    assert page.locator(f"{ROW} a").count() == 0
    assert record.page_errors == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_screenshots_of_the_jobs_rows(chromium_browser, job_server, demo_users, conn,
                                      artifacts_dir, lang):
    for width in (1440, 1024):
        page, record, plan = plan_page(chromium_browser, job_server, demo_users, conn,
                                       width=width, lang=lang)
        if width == 1440:
            page.click("#pa-plan-exports a[data-format='pdf']")
            wait_until(page, "(() => { const r = document.querySelector("
                             "'#pa-plan-jobs .pa-job'); return r && r.dataset.state === "
                             "'done'; })()", timeout_s=120)
            page.click("#pa-plan-exports a[data-format='package']")
            page.wait_for_timeout(1500)  # the package's bar under way, for the picture
        page.wait_for_selector(ROW)
        page.locator("#pa-plan-exports").scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts_dir / f"plan-jobs-{lang}-{width}.png"))
        assert record.page_errors == [] and record.external_requests() == []
        page.context.close()
