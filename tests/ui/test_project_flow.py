"""Issue 12's whole flow in one real headless Chromium session: a planner creates a project
with the form and gives it an overdue milestone, marks three plots on its map by clicking,
saves, finds the card on the board with the black flag, moves it to the next stage, opens
the 龙虎榜 of the current 旬 and downloads the 旬报, read back with openpyxl. A viewer then
finds nothing to change. The project's name starts with `=` and carries markup: text in
every page and in the workbook."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest

from app import clock
from app.projects.period import Period

from .browser import api, click_plot, login, wait_until

pytestmark = pytest.mark.browser

NAME = "=SUM(A1)<b>新材料</b>项目"
MAP = ".pa-map"


@pytest.fixture
def free_plots(conn) -> dict:
    """Three neighbouring industrial plots of one zone of the demo park that no project
    occupies, an industry (GB/T 4754 division) the zone admits, and the park's today."""
    park = conn.execute("SELECT id FROM parks WHERE code = 'JSCY'").fetchone()["id"]
    free = "p.park_id = %(park)s AND p.planned_use LIKE '1001%%' AND NOT EXISTS " \
           "(SELECT 1 FROM project_plots pp WHERE pp.plot_id = p.id)"
    anchor = conn.execute(f"SELECT p.geom_gk, p.zone_id FROM plots p WHERE {free} "
                          "ORDER BY p.code LIMIT 1", {"park": park}).fetchone()
    codes = [r["code"] for r in conn.execute(
        f"""SELECT p.code FROM plots p WHERE {free} AND p.zone_id = %(zone)s
            ORDER BY ST_Distance(p.geom_gk, %(at)s), p.code LIMIT 3""",
        {"park": park, "zone": anchor["zone_id"], "at": anchor["geom_gk"]})]
    industry = conn.execute(
        "SELECT coalesce(admitted_industries[1], '38') AS code FROM zones WHERE id = %s",
        (anchor["zone_id"],)).fetchone()["code"]
    assert len(codes) == 3
    return {"codes": codes, "industry": industry, "today": clock.park_today(conn, park)}


def clean(record, provoked: tuple[str, ...] = ()) -> None:
    assert not record.page_errors, record.page_errors
    errors = [m for m in record.console_errors() if not any(p in m[1] for p in provoked)]
    assert not errors, errors
    assert not record.external_requests(), record.external_requests()


def test_create_mark_board_move_and_the_ten_day_report(ui_pages, live_server, demo_users,
                                                      free_plots, artifacts_dir):
    today = free_plots["today"]
    page, record = ui_pages(1440, 900)
    login(page, live_server, *demo_users["planner"])

    # create: a provincial key project at 签约 whose 供地 milestone passed 20 days ago
    page.goto(live_server + "/projects/new")
    page.fill("#pa-p-code", "TP-FLOW-1")
    page.fill("#pa-p-name", NAME)
    page.fill("#pa-p-company", "岳阳新材料有限公司")
    page.fill("#pa-p-industry_code", free_plots["industry"])
    page.select_option("#pa-p-stage", "signed")
    page.fill("#pa-p-planned_investment", "50000")
    page.check("#pa-tag-provincial_key")
    page.fill("#pa-p-leader", "赵副主任")
    page.fill("#pa-p-responsible_unit", "项目服务中心")
    page.fill("#pa-p-service_official", "钱代办")
    with page.expect_navigation():
        page.click("#pa-project-save")
    assert page.text_content("#pa-project-title") == NAME
    pid = int(page.url.rstrip("/").rsplit("/", 1)[1].split("?")[0])
    page.select_option("#pa-ma-stage", "land_supplied")
    page.fill("#pa-ma-planned", (today - timedelta(days=20)).isoformat())
    with page.expect_navigation():
        page.click("#pa-milestone-add button[type=submit]")
    assert page.get_attribute(".pa-project-flag", "data-flag") == "black"

    # mark three plots by clicking them on the project's map, and save
    page.wait_for_selector(f"{MAP}[data-project-loaded]", state="attached", timeout=60_000)
    wait_until(page, f"document.querySelector('{MAP}').dataset.loaded === 'true'", 60)
    page.click("#pa-marking-toggle")
    for n, code in enumerate(free_plots["codes"], 1):
        click_plot(page, code)
        wait_until(page, f"document.querySelector('#pa-marking-summary').dataset.count === '{n}'")
    with page.expect_navigation():
        page.click("#pa-marking-save")
    page.wait_for_selector(f"{MAP}[data-project-plots='3']", state="attached", timeout=60_000)
    assert {f["properties"]["code"] for f in api(page, f"/api/v1/projects/{pid}/plots")[
        "features"]} == set(free_plots["codes"])

    # the board: the card under 签约 with the black flag and its reason
    page.goto(live_server + "/board?q=TP-FLOW")
    page.wait_for_selector("#pa-board[data-ready='true']")
    card = page.locator(f'.pa-board-cards[data-stage="signed"] .pa-card[data-project-id="{pid}"]')
    assert card.count() == 1 and card.get_attribute("data-flag") == "black"
    assert card.locator(".pa-card-name").text_content() == NAME
    assert "供地节点计划" in card.inner_text()
    # move it to 供地 with yesterday's date: recorded, and the overdue milestone is met
    card.locator(".pa-card-move").click()
    page.wait_for_selector("#pa-move-dialog.show")
    page.fill("#pa-move-date", (today - timedelta(days=1)).isoformat())
    with page.expect_navigation():
        page.click("#pa-move-save")
    page.wait_for_selector("#pa-board[data-ready='true']")
    moved = page.locator(f'.pa-board-cards[data-stage="land_supplied"] '
                         f'.pa-card[data-project-id="{pid}"]')
    assert moved.count() == 1 and moved.get_attribute("data-flag") != "black"
    page.screenshot(path=str(artifacts_dir / "flow-board-1440.png"), full_page=True)

    # the 龙虎榜 of the 旬 running today lists it; its 旬报 carries it, the name as text
    period = Period.containing(today)
    page.goto(f"{live_server}/ranking?period={period}&q=TP-FLOW")
    row = page.locator(f'#pa-ranking-table tbody tr[data-project-id="{pid}"]')
    assert row.count() == 1 and NAME in row.inner_text()
    with page.expect_download(timeout=90_000) as download:
        page.click('[data-download="report-xlsx"]')
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).worksheets[0]
    header = [c.value for c in sheet[4]]
    rows = [dict(zip(header, (c.value for c in r), strict=True))
            for r in sheet.iter_rows(min_row=5)]
    mine = [r for r in rows if r.get("项目编号") == "TP-FLOW-1"]
    assert len(mine) == 1, header
    assert mine[0]["项目名称"] == NAME  # text, not a formula
    assert "供地" in str(mine[0].values())
    clean(record)

    # a viewer sees the same project and can change nothing
    viewer, viewer_record = ui_pages(1024, 800)
    login(viewer, live_server, *demo_users["viewer"])
    viewer.goto(f"{live_server}/projects/{pid}")
    assert viewer.text_content("#pa-project-title") == NAME
    assert viewer.locator("#pa-marking-toggle, #pa-milestone-add, #pa-progress-add").count() == 0
    viewer.goto(live_server + "/board?q=TP-FLOW")  # read-only: drawn by the server, no script
    assert viewer.locator(f'.pa-card[data-project-id="{pid}"]').count() == 1
    assert viewer.locator(".pa-card-move, .pa-card-handle").count() == 0
    token = viewer.get_attribute('meta[name="csrf-token"]', "content")
    answer = viewer.request.post(f"{live_server}/api/v1/projects/{pid}/stage", data={
        "version": 1, "stage": "started", "actual_on": today.isoformat()},
        headers={"X-CSRFToken": token})
    assert answer.status == 403 and answer.json()["error"]["code"] == "forbidden"
    viewer.screenshot(path=str(artifacts_dir / "flow-viewer-board-1024.png"), full_page=True)
    clean(viewer_record)
