"""Projects through the API (issue 12 item 1): create, edit and delete with audit rows, the
409 of a stale version carrying the other change, validation per field in zh and en,
milestones and progress reports, who may do what."""

from __future__ import annotations

import pytest

from app.projects import project
from tests.client import api_error, api_login

API = "/api/v1"
NEW = {"code": "TP-API-1", "name": "测试新材料项目", "company": "岳阳某某新材料有限公司",
       "industry_code": "3985", "planned_investment": 50000, "completed_investment": 0,
       "tags": ["provincial_key", "2+10"], "leader": "王副主任", "responsible_unit": "招商局",
       "service_official": "李代办", "stage": "signed"}


@pytest.fixture
def planner(client):
    return api_login(client, "planner")


def create(client, lang: str = "zh", **values):
    return client.post(f"{API}/projects?lang={lang}", json={"properties": {**NEW, **values}})


def audit(conn, table: str, row_id) -> list[dict]:
    return conn.execute("SELECT action, actor, before, after FROM audit_log WHERE table_name = %s"
                        " AND row_id = %s ORDER BY id", (table, str(row_id))).fetchall()


def test_create_edit_delete_are_audited(app, planner, conn):
    response = create(planner)
    assert response.status_code == 201, response.get_json()
    props = response.get_json()["properties"]
    pid = props["id"]
    assert props["industry_name_zh"] == "计算机、通信和其他电子设备制造业"
    assert props["tags"] == ["provincial_key", "2+10"] and props["responsible_unit"] == "招商局"
    assert props["flag"]["flag"] == "red" and props["version"] == 1
    response = planner.patch(f"{API}/projects/{pid}", json={
        "version": 1, "properties": {"leader": "赵主任", "planned_investment": 60000}})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["properties"]["version"] == 2
    rows = audit(conn, "projects", pid)
    assert [r["action"] for r in rows] == ["insert", "update"]
    assert rows[1]["actor"] == "test-planner"
    assert (rows[1]["before"]["leader"], rows[1]["after"]["leader"]) == ("王副主任", "赵主任")
    # deleting a project is an admin's
    api_error(planner.delete(f"{API}/projects/{pid}", json={"version": 2}), 403)
    admin = api_login(app.test_client(), "admin")
    assert admin.delete(f"{API}/projects/{pid}", json={"version": 2}).status_code == 204
    assert audit(conn, "projects", pid)[-1]["action"] == "delete"
    assert conn.execute("SELECT 1 FROM projects WHERE id = %s", (pid,)).fetchone() is None


def test_a_stale_edit_is_a_409_with_the_other_change(planner, conn):
    pid = create(planner).get_json()["properties"]["id"]
    assert planner.patch(f"{API}/projects/{pid}", json={
        "version": 1, "properties": {"leader": "甲"}}).status_code == 200
    error = api_error(planner.patch(f"{API}/projects/{pid}?lang=en", json={
        "version": 1, "properties": {"leader": "乙"}}), 409)
    current = error["details"]["current"]
    assert error["details"]["current_version"] == current["version"] == 2
    assert current["properties"]["leader"] == "甲" and current["changed_by"] == "test-planner"
    assert set(current["properties"]) == project.EDITABLE
    assert "version 2" in error["message"] and "version 1" in error["message"]
    assert conn.execute("SELECT leader FROM projects WHERE id = %s", (pid,)).fetchone()[
        "leader"] == "甲"


@pytest.mark.parametrize(("values", "field", "zh", "en"), [
    ({"planned_investment": -1}, "planned_investment", "计划投资", "Planned investment"),
    ({"industry_code": "9900"}, "industry_code", "行业", "Industry"),
    ({"industry_code": "ab"}, "industry_code", "行业", "Industry"),
    ({"name": "  "}, "name", "项目名称", "Project name"),
    ({"tags": ["a,b"]}, "tags", "重点清单标签", "Key-list tags"),
    ({"zone_id": 999999}, "zone_id", "分区", "Zone"),
])
def test_validation_names_the_field_in_the_users_language(planner, values, field, zh, en):
    chinese = api_error(create(planner, **values), 400)
    english = api_error(create(planner, lang="en", **values), 400)
    assert chinese["details"]["field"] == english["details"]["field"] == field
    assert zh in chinese["message"], chinese
    assert en in english["message"], english
    assert "violates" not in chinese["message"] + english["message"]


def test_a_duplicate_code_is_a_conflict_in_words(planner):
    assert create(planner).status_code == 201
    error = api_error(create(planner, lang="en"), 409)
    assert "same code" in error["message"]


def test_milestones_add_edit_clear_and_their_refusals(planner, conn):
    pid = create(planner).get_json()["properties"]["id"]
    base = f"{API}/projects/{pid}/milestones"
    response = planner.post(base, json={"properties": {"stage": "started",
                                                       "planned_on": "2026-03-01"}})
    assert response.status_code == 201, response.get_json()
    (m,) = response.get_json()["properties"]["milestones"]
    assert m["planned_on"] == "2026-03-01" and m["actual_on"] is None and m["days_late"] > 0
    # the same stage twice is a conflict; an actual date in the future is refused
    error = api_error(planner.post(f"{base}?lang=en", json={"properties": {"stage": "started"}}),
                      409)
    assert "already has a milestone" in error["message"]
    error = api_error(planner.patch(f"{base}/{m['id']}?lang=en", json={
        "version": m["version"], "properties": {"actual_on": "2999-01-01"}}), 400)
    assert error["details"]["field"] == "actual_on" and "future" in error["message"]
    assert "Actual date" in error["message"]
    error = api_error(planner.patch(f"{base}/{m['id']}?lang=zh", json={
        "version": m["version"], "properties": {"actual_on": "2026-02-30"}}), 400)
    assert "实际日期" in error["message"]
    response = planner.patch(f"{base}/{m['id']}", json={
        "version": m["version"], "properties": {"actual_on": "2026-03-05"}})
    assert response.status_code == 200, response.get_json()
    (m2,) = response.get_json()["properties"]["milestones"]
    assert m2["actual_on"] == "2026-03-05" and m2["days_late"] == 4
    # a stale version: 409 with the milestone as it is now
    error = api_error(planner.patch(f"{base}/{m['id']}", json={
        "version": m["version"], "properties": {"actual_on": None}}), 409)
    assert error["details"]["current"]["actual_on"] == "2026-03-05"
    response = planner.patch(f"{base}/{m['id']}", json={
        "version": m2["version"], "properties": {"actual_on": None}})
    assert response.get_json()["properties"]["milestones"][0]["actual_on"] is None
    assert [r["action"] for r in audit(conn, "milestones", m["id"])] == [
        "insert", "update", "update"]
    response = planner.delete(f"{base}/{m['id']}", json={"version": m2["version"] + 1})
    assert response.status_code == 200 and response.get_json()["properties"]["milestones"] == []


def test_progress_reports_and_the_completed_investment_that_follows_them(planner, conn):
    pid = create(planner).get_json()["properties"]["id"]
    base = f"{API}/projects/{pid}/progress"
    for on, pct, done in (("2026-05-10", 20, 8000), ("2026-06-10", 35, 12000)):
        response = planner.post(base, json={"properties": {
            "reported_on": on, "progress_pct": pct, "investment_done": done,
            "note": "主体施工", "reporter": "李代办"}})
        assert response.status_code == 201, response.get_json()
    props = response.get_json()["properties"]
    assert [r["reported_on"] for r in props["progress"]] == ["2026-06-10", "2026-05-10"]
    assert props["progress"][0]["reporter"] == "李代办"
    assert props["completed_investment"] == 12000
    latest = props["progress"][0]
    response = planner.delete(f"{base}/{latest['id']}", json={"version": latest["version"]})
    assert response.get_json()["properties"]["completed_investment"] == 8000
    for bad, field in (({"progress_pct": 100.5}, "progress_pct"),
                       ({"progress_pct": -1}, "progress_pct"),
                       ({"investment_done": -5}, "investment_done"),
                       ({"reported_on": "2999-12-31"}, "reported_on")):
        body = {"reported_on": "2026-07-01", "progress_pct": 40, **bad}
        english = api_error(planner.post(f"{base}?lang=en", json={"properties": body}), 400)
        chinese = api_error(planner.post(f"{base}?lang=zh", json={"properties": body}), 400)
        assert english["details"]["field"] == chinese["details"]["field"] == field
        label = project.progress.FIELDS[field]
        assert label.split(" (")[0] in english["message"], english
    assert [r["action"] for r in audit(conn, "progress_reports", latest["id"])] == [
        "insert", "delete"]


def test_history_lists_the_project_and_its_rows(planner):
    pid = create(planner).get_json()["properties"]["id"]
    planner.post(f"{API}/projects/{pid}/milestones",
                 json={"properties": {"stage": "signed", "planned_on": "2026-01-10"}})
    planner.patch(f"{API}/projects/{pid}", json={"version": 1, "properties": {"stage": "started"}})
    entries = planner.get(f"{API}/projects/{pid}/history?lang=en").get_json()
    assert [e["record"] for e in entries] == ["Project", "Milestone", "Project"]
    stage = entries[0]["changes"][0]
    assert (stage["label"], stage["before_name"], stage["after_name"]) == (
        "Stage", "Signed", "Started")
    assert entries[1]["record_key"] == "Signed" and entries[0]["user"]


def test_a_viewer_reads_and_may_change_nothing(app, conn):
    viewer = api_login(app.test_client(), "viewer")
    pid = conn.execute("SELECT min(id) AS id FROM projects").fetchone()["id"]
    assert viewer.get(f"{API}/projects/{pid}").status_code == 200
    assert viewer.get(f"{API}/projects/{pid}/history").status_code == 200
    api_error(create(viewer), 403)
    api_error(viewer.patch(f"{API}/projects/{pid}", json={"version": 1, "properties": {}}), 403)
    api_error(viewer.post(f"{API}/projects/{pid}/progress", json={"properties": {}}), 403)


def test_a_guest_sees_nothing_of_projects(app, conn):
    guest = api_login(app.test_client(), "guest")
    pid = conn.execute("SELECT min(id) AS id FROM projects").fetchone()["id"]
    for path in ("/projects", f"/projects/{pid}", f"/projects/{pid}/history"):
        api_error(guest.get(API + path), 403)
