"""The board (看板, issue 12 item 4): cards grouped by stage with their flag and reason,
filters as on the list; moving a card to the next stage records the milestone with its
date (audited), refuses a date in the future and a stage that is not the next, gives a 409
with the other change on a stale version; a viewer reads the board and cannot move; every
text escaped. The lobby screen's page and its timing parameters."""

from __future__ import annotations

import re

import pytest

from app import clock
from tests.client import api_error, api_login, login

API = "/api/v1"
EVIL = "<script>alert(1)</script>"


@pytest.fixture
def planner(client):
    return api_login(client, "planner")


def new_project(client, **values) -> dict:
    response = client.post(f"{API}/projects", json={"properties": {
        "code": "TP-BOARD-1", "name": "看板测试项目", "company": "看板公司", "stage": "signed",
        "planned_investment": 20000, "leader": "王主任", **values}})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["properties"]


def add_milestone(client, pid: int, **values) -> dict:
    response = client.post(f"{API}/projects/{pid}/milestones", json={"properties": values})
    assert response.status_code == 201, response.get_json()
    return next(m for m in response.get_json()["properties"]["milestones"]
                if m["stage"] == values["stage"])


def card_of(board: dict, pid: int) -> tuple[str, dict]:
    return next((col["stage"], c) for col in board["stages"] for c in col["cards"]
                if c["id"] == pid)


def audit(conn, table: str, row_id) -> list[dict]:
    return conn.execute("SELECT action, actor, before, after FROM audit_log WHERE table_name = %s"
                        " AND row_id = %s ORDER BY id", (table, str(row_id))).fetchall()


def test_board_groups_by_stage_with_flag_reason_progress_and_leader(planner, conn):
    late = new_project(planner, code="TP-BOARD-LATE", stage="land_supplied")
    add_milestone(planner, late["id"], stage="started", planned_on="2020-01-10")
    ok = new_project(planner, code="TP-BOARD-OK", stage="started")
    assert planner.post(f"{API}/projects/{ok['id']}/progress", json={"properties": {
        "reported_on": "2020-02-01", "progress_pct": 35}}).status_code == 201
    board = planner.get(f"{API}/board").get_json()
    assert [c["stage"] for c in board["stages"]] == [
        "negotiating", "signed", "land_supplied", "started", "completed", "operating"]
    total = conn.execute("SELECT count(*) AS n FROM projects").fetchone()["n"]
    assert board["matched"] == board["shown"] == total == sum(
        len(c["cards"]) for c in board["stages"])
    for column in board["stages"]:
        assert all(card["stage"] == column["stage"] for card in column["cards"])
    stage, card = card_of(board, late["id"])
    assert stage == "land_supplied" and card["flag"] == "black" and card["days_behind"] > 2000
    assert card["reasons"][0]["rule"] == "milestone_overdue"
    assert "开工节点计划 2020-01-10" in card["reasons"][0]["zh"]
    assert card["next_stage"] == "started" and card["next_milestone_version"] == 1
    assert card["leader"] == "王主任" and card["company"] == "看板公司"
    assert card["planned_investment"] == 20000
    stage, card = card_of(board, ok["id"])
    assert (stage, card["flag"], card["reasons"], card["progress_pct"]) == (
        "started", "red", [], 35)
    assert card["next_stage"] == "completed" and card["next_milestone_id"] is None
    # the list's filters
    black = planner.get(f"{API}/board?flag=black").get_json()
    assert {c["flag"] for col in black["stages"] for c in col["cards"]} == {"black"}
    found = planner.get(f"{API}/board?q=TP-BOARD-OK").get_json()
    assert found["matched"] == 1 and card_of(found, ok["id"])[0] == "started"


def test_moving_to_the_next_stage_records_the_milestone_and_audits_it(planner, conn):
    pid = new_project(planner)["id"]
    response = planner.post(f"{API}/projects/{pid}/stage", json={
        "version": 1, "stage": "land_supplied", "actual_on": "2026-03-02"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["stage"] == "land_supplied"
    row = conn.execute("SELECT stage, version FROM projects WHERE id = %s", (pid,)).fetchone()
    assert (row["stage"], row["version"]) == ("land_supplied", 2)
    m = conn.execute("SELECT id, actual_on::text, planned_on FROM milestones WHERE project_id = %s"
                     " AND stage = 'land_supplied'", (pid,)).fetchone()
    assert m["actual_on"] == "2026-03-02" and m["planned_on"] is None
    project_audit = audit(conn, "projects", pid)[-1]
    assert project_audit["action"] == "update" and project_audit["actor"] == "test-planner"
    assert (project_audit["before"]["stage"], project_audit["after"]["stage"]) == (
        "signed", "land_supplied")
    (milestone_audit,) = audit(conn, "milestones", m["id"])
    assert milestone_audit["action"] == "insert" and milestone_audit["actor"] == "test-planner"
    assert milestone_audit["after"]["actual_on"] == "2026-03-02"
    # an existing milestone (planned date) keeps it and gets the actual date
    planned = add_milestone(planner, pid, stage="started", planned_on="2026-04-01")
    response = planner.post(f"{API}/projects/{pid}/stage", json={
        "version": 2, "stage": "started", "actual_on": "2026-04-03",
        "milestone_version": planned["version"]})
    assert response.status_code == 200, response.get_json()
    m = conn.execute("SELECT actual_on::text, planned_on::text, version FROM milestones "
                     "WHERE id = %s", (planned["id"],)).fetchone()
    assert (m["actual_on"], m["planned_on"], m["version"]) == ("2026-04-03", "2026-04-01", 2)
    assert audit(conn, "milestones", planned["id"])[-1]["action"] == "update"


def test_a_date_in_the_future_or_a_stage_that_is_not_next_is_refused(planner, conn):
    pid = new_project(planner)["id"]
    park = conn.execute("SELECT park_id FROM projects WHERE id = %s", (pid,)).fetchone()
    today = clock.park_today(conn, park["park_id"])
    tomorrow = today.fromordinal(today.toordinal() + 1).isoformat()
    error = api_error(planner.post(f"{API}/projects/{pid}/stage?lang=en", json={
        "version": 1, "stage": "land_supplied", "actual_on": tomorrow}), 400)
    assert error["details"]["field"] == "actual_on" and "future" in error["message"]
    assert "Actual date" in error["message"] and "violates" not in error["message"]
    error = api_error(planner.post(f"{API}/projects/{pid}/stage?lang=zh", json={
        "version": 1, "stage": "land_supplied", "actual_on": tomorrow}), 400)
    assert "实际日期" in error["message"]
    error = api_error(planner.post(f"{API}/projects/{pid}/stage?lang=en", json={
        "version": 1, "stage": "started", "actual_on": today.isoformat()}), 400)
    assert "only move to the next stage" in error["message"] and "Land supplied" in error[
        "message"]
    api_error(planner.post(f"{API}/projects/{pid}/stage", json={
        "version": 1, "stage": "land_supplied", "actual_on": "2026-02-30"}), 400)
    api_error(planner.post(f"{API}/projects/{pid}/stage", json={
        "version": 1, "stage": "land_supplied"}), 400)
    # nothing was written: the same stage, no milestone, no audit of an update
    row = conn.execute("SELECT stage, version FROM projects WHERE id = %s", (pid,)).fetchone()
    assert (row["stage"], row["version"]) == ("signed", 1)
    assert conn.execute("SELECT count(*) AS n FROM milestones WHERE project_id = %s",
                        (pid,)).fetchone()["n"] == 0
    # today itself is accepted
    assert planner.post(f"{API}/projects/{pid}/stage", json={
        "version": 1, "stage": "land_supplied",
        "actual_on": today.isoformat()}).status_code == 200


def test_a_stale_move_is_a_409_with_the_other_change(planner, conn):
    pid = new_project(planner)["id"]
    assert planner.patch(f"{API}/projects/{pid}", json={
        "version": 1, "properties": {"leader": "李主任"}}).status_code == 200
    error = api_error(planner.post(f"{API}/projects/{pid}/stage?lang=en", json={
        "version": 1, "stage": "land_supplied", "actual_on": "2026-03-02"}), 409)
    assert error["details"]["current_version"] == 2
    current = error["details"]["current"]
    assert current["properties"]["leader"] == "李主任" and current["changed_by"] == "test-planner"
    assert "version 2" in error["message"] and "version 1" in error["message"]
    # somebody added the stage's milestone meanwhile: the card's "none" is stale too, and
    # the project's stage change is rolled back with it
    other = add_milestone(planner, pid, stage="land_supplied", planned_on="2026-05-01")
    error = api_error(planner.post(f"{API}/projects/{pid}/stage?lang=en", json={
        "version": 2, "stage": "land_supplied", "actual_on": "2026-03-02",
        "milestone_version": None}), 409)
    assert error["details"]["milestone"]["id"] == other["id"]
    assert error["details"]["milestone"]["planned_on"] == "2026-05-01"
    row = conn.execute("SELECT stage, version FROM projects WHERE id = %s", (pid,)).fetchone()
    assert (row["stage"], row["version"]) == ("signed", 2)
    assert conn.execute("SELECT actual_on FROM milestones WHERE id = %s",
                        (other["id"],)).fetchone()["actual_on"] is None


def test_a_viewer_reads_the_board_but_cannot_move(app, planner, conn):
    pid = new_project(planner)["id"]
    viewer = api_login(app.test_client(), "viewer")
    assert viewer.get(f"{API}/board").status_code == 200
    api_error(viewer.post(f"{API}/projects/{pid}/stage", json={
        "version": 1, "stage": "land_supplied", "actual_on": "2026-03-02"}), 403)
    assert conn.execute("SELECT stage FROM projects WHERE id = %s",
                        (pid,)).fetchone()["stage"] == "signed"
    html = viewer.get("/board").get_data(as_text=True)
    assert f'data-project-id="{pid}"' in html
    assert "pa-card-handle" not in html and "pa-card-move" not in html
    assert "pa-move-dialog" not in html and "Sortable" not in html
    # the planner's board has a handle and a button per movable card
    html = planner.get("/board").get_data(as_text=True)
    assert html.count("pa-card-handle") == len(re.findall(r'data-next-stage="[a-z_]+"', html))
    assert "pa-card-move" in html and "sortablejs/Sortable.min.js" in html
    # a guest does not see the board
    assert app.test_client().get("/board").status_code in (302, 401, 403)


def test_a_script_in_a_project_name_is_text_on_the_board(planner):
    new_project(planner, name=EVIL, company=EVIL, leader="<b>x</b>")
    html = planner.get("/board").get_data(as_text=True)
    assert EVIL not in html and "<b>x</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # the board's JSON (what the lobby and the battle map build their DOM from with
    # textContent) carries it as data
    board = planner.get(f"{API}/board").get_json()
    assert any(c["name"] == EVIL for col in board["stages"] for c in col["cards"])


def test_the_board_page_filters_like_the_list(planner):
    pid = new_project(planner, code="TP-BOARD-F", stage="completed")["id"]
    html = planner.get("/board?q=TP-BOARD-F&lang=en").get_data(as_text=True)
    assert re.findall(r'<article class="pa-card[^"]*" data-project-id="(\d+)"', html) == [str(pid)]
    assert "1 projects" in html and 'id="pa-project-filters"' in html


def test_the_lobby_page_and_its_timing(app, client):
    login(client, "viewer")
    html = client.get("/lobby?refresh=5&slide=7").get_data(as_text=True)
    assert '"refresh": 5' in html and '"slide": 7' in html
    assert "parkatlas-lobby.js" in html
    assert client.get("/lobby?refresh=0").status_code == 400
    assert client.get("/lobby?slide=abc").status_code == 400
    assert app.test_client().get("/lobby").status_code in (302, 401, 403)
