"""The board (看板) and the battle-map view (挂图作战) in a real headless Chromium (issue 12
items 4): a planner sees a card with the right flag and reason, drags it to the next stage
and gives the date in the dialog; the button does the same without a mouse, and a change
saved meanwhile comes back as the 409 with what the other person saved; the battle map
colours each project's plots by its flag, labels them from zoom 15 and opens the card in
the plot's popup. A project name with <script> stays text everywhere. Screenshots at 1440
and 1024 px for a person to look at. No page logs an error or asks another host."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import clock
from tests.ui.browser import login, wait_until

pytestmark = pytest.mark.browser

EVIL = "<script>alert(1)</script>看板项目"
MAP = ".folium-map"
PLOT_PATHS = ".leaflet-pa-plots-pane path"


def clean(record, expected: tuple[int, ...] = ()) -> None:
    """No page error, no console error but the refusals the test provoked, nothing asked
    of another host."""
    assert not record.page_errors, record.page_errors
    provoked = tuple(f"status of {code} " for code in expected)
    errors = [m for m in record.console_errors() if not provoked or not any(
        p in m[1] for p in provoked)]
    assert not errors, errors
    assert not record.external_requests(), record.external_requests()


@pytest.fixture
def projects(conn) -> dict:
    """Two projects on free demo plots: a black one (its 供地 milestone overdue) with two
    plots, a red one with one plot."""
    park = conn.execute("SELECT id FROM parks ORDER BY id LIMIT 1").fetchone()["id"]
    free = [r["id"] for r in conn.execute(
        "SELECT id FROM plots pl WHERE park_id = %s AND NOT EXISTS (SELECT 1 FROM project_plots"
        " pp WHERE pp.plot_id = pl.id) ORDER BY area_m2 DESC LIMIT 3", (park,))]
    assert len(free) == 3
    made = {}
    for key, code, name, stage, plots in (
            ("black", "TP-UI-BLACK", EVIL, "signed", free[:2]),
            ("red", "TP-UI-RED", "红旗测试项目", "started", free[2:])):
        pid = conn.execute(
            "INSERT INTO projects (park_id, code, name, company, stage, planned_investment, "
            "leader) VALUES (%s, %s, %s, '看板测试公司', %s, 12000, '王主任') RETURNING id",
            (park, code, name, stage)).fetchone()["id"]
        for plot in plots:
            conn.execute("INSERT INTO project_plots (project_id, plot_id) VALUES (%s, %s)",
                         (pid, plot))
        made[key] = {"id": pid, "plots": plots}
    conn.execute("INSERT INTO milestones (project_id, stage, planned_on) VALUES (%s, "
                 "'land_supplied', '2025-01-10')", (made["black"]["id"],))
    conn.commit()
    made["today"] = clock.park_today(conn, park)
    return made


def card(page, pid: int):
    return page.locator(f'.pa-card[data-project-id="{pid}"]')


def test_a_planner_moves_a_card_to_the_next_stage(ui_pages, live_server, demo_users,
                                                   artifacts_dir, projects, conn):
    black, red = projects["black"]["id"], projects["red"]["id"]
    for width in (1440, 1024):
        page, record = ui_pages(width, 900)
        login(page, live_server, *demo_users["planner"])
        page.goto(live_server + "/board")
        page.wait_for_selector("#pa-board[data-ready='true']")
        page.screenshot(path=str(artifacts_dir / f"board-{width}.png"), full_page=True)
        clean(record)
    # the card: in its stage's column, the black flag and its reason, the name as text
    column = page.locator('.pa-board-cards[data-stage="signed"]')
    assert column.locator(f'.pa-card[data-project-id="{black}"]').count() == 1
    assert card(page, black).get_attribute("data-flag") == "black"
    assert "供地节点计划 2025-01-10" in card(page, black).inner_text()
    assert card(page, black).locator(".pa-card-name").text_content() == EVIL
    assert page.locator(".pa-card script").count() == 0
    assert card(page, red).get_attribute("data-flag") == "red"

    # drag the handle to the next column: the dialog asks the date (today by default)
    handle = card(page, black).locator(".pa-card-handle").bounding_box()
    target = page.locator('.pa-board-cards[data-stage="land_supplied"]').bounding_box()
    page.mouse.move(handle["x"] + 4, handle["y"] + 4)
    page.mouse.down()
    for step in range(1, 16):
        page.mouse.move(handle["x"] + (target["x"] + 40 - handle["x"]) * step / 15,
                        handle["y"] + (target["y"] + 30 - handle["y"]) * step / 15)
        page.wait_for_timeout(30)
    page.mouse.up()
    page.wait_for_selector("#pa-move-dialog.show")
    assert page.input_value("#pa-move-date") == projects["today"].isoformat()
    assert EVIL in page.text_content("#pa-move-what")
    # a date in the future is refused in words, nothing changes
    tomorrow = (projects["today"] + timedelta(days=1)).isoformat()
    page.fill("#pa-move-date", tomorrow)
    page.click("#pa-move-save")
    page.wait_for_selector("#pa-move-error:not(.d-none)")
    assert "未来" in page.text_content("#pa-move-error") or "将来" in page.text_content(
        "#pa-move-error")
    page.screenshot(path=str(artifacts_dir / "board-move-dialog-1024.png"))
    day = (projects["today"] - timedelta(days=3)).isoformat()
    page.fill("#pa-move-date", day)
    with page.expect_navigation():
        page.click("#pa-move-save")
    page.wait_for_selector("#pa-board[data-ready='true']")
    moved = page.locator(f'.pa-board-cards[data-stage="land_supplied"] '
                         f'.pa-card[data-project-id="{black}"]')
    assert moved.count() == 1
    row = conn.execute("SELECT p.stage, m.actual_on::text FROM projects p JOIN milestones m "
                       "ON m.project_id = p.id AND m.stage = 'land_supplied' WHERE p.id = %s",
                       (black,)).fetchone()
    assert (row["stage"], row["actual_on"]) == ("land_supplied", day)
    # now on schedule: the overdue milestone has its date, the flag is red
    assert card(page, black).get_attribute("data-flag") == "red"

    # the button (no mouse needed), with a change saved meanwhile: the 409 in the dialog
    card(page, red).locator(".pa-card-move").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#pa-move-dialog.show")
    conn.execute("UPDATE projects SET leader = '李主任' WHERE id = %s", (red,))
    conn.commit()
    page.click("#pa-move-save")
    page.wait_for_selector("#pa-move-error:not(.d-none)")
    error = page.text_content("#pa-move-error")
    assert "版本" in error and "开工" in error, error
    assert conn.execute("SELECT stage FROM projects WHERE id = %s",
                        (red,)).fetchone()["stage"] == "started"
    clean(record, expected=(400, 409))


def test_the_battle_map_colours_labels_and_opens_the_card(ui_pages, live_server, demo_users,
                                                         artifacts_dir, projects):
    for width in (1440, 1024):
        page, record = ui_pages(width, 900)
        login(page, live_server, *demo_users["viewer"])
        page.goto(live_server + "/?view=battle")
        page.wait_for_selector(f"{MAP}[data-loaded='true']", timeout=60_000)
        wait_until(page, f"document.querySelector('{MAP}').dataset.plotView === 'battle'")
        page.wait_for_selector(".pa-legend-list[data-view='battle']")
        page.screenshot(path=str(artifacts_dir / f"battle-map-{width}.png"))
    fills = page.evaluate("ids => ids.map(id => ParkAtlas.current.plotLayers[id]"
                          ".options.fillColor)",
                          projects["black"]["plots"] + projects["red"]["plots"])
    assert fills == ["#1b1b1b", "#1b1b1b", "#d7191c"]
    legend = page.inner_text(".pa-legend-list[data-view='battle']")
    assert "黑旗" in legend and "红旗" in legend
    # names from zoom 15: the black project's label on its larger plot, as text
    first = projects["black"]["plots"][0]
    page.evaluate("id => { const pa = ParkAtlas.current;"
                  " pa.map.setView(pa.plotLayers[id].getBounds().getCenter(), 17,"
                  " {animate: false}); }", first)
    wait_until(page, f"Number(document.querySelector('{MAP}').dataset.battleLabels) > 0")
    labels = page.locator(".pa-battle-label-text").all_text_contents()
    assert EVIL in labels
    assert page.locator(".pa-battle-label script").count() == 0
    # the popup opens with the project's card and a link to its page
    page.evaluate("id => ParkAtlas.current.plotLayers[id].openPopup()", first)
    page.wait_for_selector(".pa-popup-battle")
    section = page.locator(f'.pa-battle-card[data-project-id="{projects["black"]["id"]}"]')
    assert section.locator(".pa-battle-card-name").text_content() == EVIL
    assert "黑旗" in section.inner_text() and "供地节点计划" in section.inner_text()
    assert section.locator("a").get_attribute("href").endswith(
        f"/projects/{projects['black']['id']}")
    assert page.locator(".pa-popup script").count() == 0
    page.screenshot(path=str(artifacts_dir / "battle-map-popup-1024.png"))
    # below zoom 15 no label
    page.evaluate("ParkAtlas.current.map.setZoom(14, {animate: false})")
    wait_until(page, f"document.querySelector('{MAP}').dataset.battleLabels === '0'")
    clean(record)


def test_a_guest_map_has_no_battle_view(ui_page, live_server, demo_users):
    page, record = ui_page
    login(page, live_server, *demo_users["guest"])
    page.goto(live_server + "/?view=battle")
    page.wait_for_selector(f"{MAP}[data-loaded]:not([data-loaded='false'])", timeout=60_000)
    assert page.get_attribute(MAP, "data-loaded") == "true", page.inner_text(".pa-map-status")
    assert page.get_attribute(MAP, "data-plot-view") == "stage"
    assert page.locator(".pa-legend-select option[value='battle']").count() == 0
    clean(record)
