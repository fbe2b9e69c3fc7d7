"""The project pages (issue 12 item 1): the list with search, filters, sort and pages, the
create and edit forms (a refusal and a stale version come back to the form), the project
page with milestones, progress, plots, flag and history; every text escaped; who may see
what."""

from __future__ import annotations

import re

import pytest

from tests.client import csrf_token, login

EVIL = "<script>alert(1)</script>"


@pytest.fixture
def planner(client):
    login(client, "planner")
    return client


def form(client, path: str, **fields):
    return client.post(path, data={"csrf_token": csrf_token(client, "/projects"), **fields})


def new_project(client, **fields) -> int:
    response = form(client, "/projects/new", **{
        "code": "TP-PAGE-1", "name": "页面测试项目", "stage": "signed", "industry_code": "2710",
        "planned_investment": "30000", **fields})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.location.rstrip("/").rsplit("/", 1)[1])


def test_the_list_shows_each_project_with_stage_flag_money_and_area(planner, conn):
    html = planner.get("/projects?lang=en").get_data(as_text=True)
    total = conn.execute("SELECT count(*) AS n FROM projects").fetchone()["n"]
    assert f"{total} projects" in html
    rows = re.findall(r'<tr data-project-id="(\d+)"', html)
    assert len(rows) == total  # 30 demo projects: one page
    assert 'data-flag="black"' in html and 'data-flag="red"' in html
    assert "days behind" in html and "without an actual date" in html
    assert 'href="/projects/new' in html


@pytest.mark.parametrize(("args", "sql"), [
    ("stage=started", "stage = 'started'"),
    ("tag=municipal_key", "'municipal_key' = ANY (tags)"),
    ("industry=27", "industry_code LIKE '27%%'"),
    ("q=P2014", "code ILIKE '%%P2014%%' OR name ILIKE '%%P2014%%' OR company ILIKE '%%P2014%%'"),
])
def test_list_filters(planner, conn, args, sql):
    expected = {r["id"] for r in conn.execute(f"SELECT id FROM projects WHERE {sql}")}
    assert expected, sql
    html = planner.get(f"/projects?{args}").get_data(as_text=True)
    assert {int(i) for i in re.findall(r'<tr data-project-id="(\d+)"', html)} == expected


def test_list_filter_by_leader_zone_and_flag(planner, conn):
    row = conn.execute("SELECT pr.leader, z.code AS zone FROM projects pr JOIN zones z "
                       "ON z.id = pr.zone_id ORDER BY pr.id LIMIT 1").fetchone()
    expected = {r["id"] for r in conn.execute(
        "SELECT pr.id FROM projects pr JOIN zones z ON z.id = pr.zone_id "
        "WHERE pr.leader = %s AND z.code = %s", (row["leader"], row["zone"]))}
    html = planner.get("/projects", query_string={"leader": row["leader"], "zone": row["zone"]}
                       ).get_data(as_text=True)
    assert {int(i) for i in re.findall(r'<tr data-project-id="(\d+)"', html)} == expected
    black = planner.get("/projects?flag=black").get_data(as_text=True)
    flags = set(re.findall(r'<tr data-project-id="\d+" data-code="[^"]*" data-flag="(\w+)"',
                           black))
    assert flags == {"black"}


def test_list_sorts_both_ways_and_refuses_an_unknown_sort(planner):
    up = planner.get("/projects?sort=planned_investment").get_data(as_text=True)
    down = planner.get("/projects?sort=-planned_investment").get_data(as_text=True)
    ids_up = re.findall(r'<tr data-project-id="(\d+)"', up)
    ids_down = re.findall(r'<tr data-project-id="(\d+)"', down)
    assert ids_up and ids_up != ids_down
    assert planner.get("/projects?sort=evil").status_code == 400


def test_create_edit_and_the_page(planner, conn):
    pid = new_project(planner, tags="provincial_key", tags_free="2+10、园区重点",
                      responsible_unit="经发局", leader="张主任", service_official="李代办")
    html = planner.get(f"/projects/{pid}?lang=en").get_data(as_text=True)
    assert "页面测试项目" in html and "2710 Manufacture of medicines" in html
    assert "Provincial key project" in html and "2+10" in html and "园区重点" in html
    assert "经发局" in html and "李代办" in html
    version = conn.execute("SELECT version FROM projects WHERE id = %s", (pid,)).fetchone()
    response = form(planner, f"/projects/{pid}/edit", version=str(version["version"]),
                    code="TP-PAGE-1", name="页面测试项目（改）", stage="started")
    assert response.status_code == 302
    row = conn.execute("SELECT name, stage, tags FROM projects WHERE id = %s", (pid,)).fetchone()
    assert (row["name"], row["stage"], row["tags"]) == ("页面测试项目（改）", "started", [])


def test_a_refused_value_comes_back_to_the_form_naming_the_field(planner):
    response = form(planner, "/projects/new?lang=en", code="TP-BAD", name="坏数据",
                    planned_investment="-5", leader="王")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Planned investment (10k yuan)" in html and "is-invalid" in html
    assert 'value="王"' in html  # what the user typed is kept


def test_a_stale_form_shows_the_other_change(app, planner, conn):
    pid = new_project(planner)
    other = login(app.test_client(), "admin")
    assert form(other, f"/projects/{pid}/edit", version="1", code="TP-PAGE-1",
                name="页面测试项目", leader="别人改的").status_code == 302
    response = form(planner, f"/projects/{pid}/edit?lang=en", version="1", code="TP-PAGE-1",
                    name="页面测试项目", leader="我改的")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "changed by someone else" in html and "别人改的" in html and 'value="我改的"' in html
    assert 'name="version" value="2"' in html
    assert conn.execute("SELECT leader FROM projects WHERE id = %s", (pid,)).fetchone()[
        "leader"] == "别人改的"


def test_milestones_and_progress_through_the_page_forms(planner, conn):
    pid = new_project(planner)
    assert form(planner, f"/projects/{pid}/milestones", stage="started",
                planned_on="2026-01-15").status_code == 302
    assert form(planner, f"/projects/{pid}/progress", reported_on="2026-02-01",
                progress_pct="12.5", investment_done="3000", note="场平", reporter="李代办"
                ).status_code == 302
    html = planner.get(f"/projects/{pid}?lang=en").get_data(as_text=True)
    assert 'data-stage="started"' in html and "2026-01-15" in html
    assert "Started milestone 2026-01-15 passed" in html
    assert "12.5" in html and "场平" in html and "李代办" in html
    # a refused report comes back as a message on the page, in the user's language
    response = form(planner, f"/projects/{pid}/progress?lang=en", reported_on="2026-02-02",
                    progress_pct="120")
    html = planner.get(response.location).get_data(as_text=True)
    assert "Works done (percent)" in html and "alert-danger" in html
    mid = conn.execute("SELECT id, version FROM milestones WHERE project_id = %s", (pid,)
                       ).fetchone()
    assert form(planner, f"/projects/{pid}/milestones/{mid['id']}", version=str(mid["version"]),
                action="save", planned_on="2026-01-15", actual_on="2026-01-20"
                ).status_code == 302
    assert conn.execute("SELECT actual_on FROM milestones WHERE id = %s", (mid["id"],)
                        ).fetchone()["actual_on"].isoformat() == "2026-01-20"


def test_names_with_markup_are_escaped_on_the_list_and_the_page(planner, conn):
    pid = new_project(planner, name=EVIL, company=EVIL, leader=EVIL)
    for path in ("/projects", f"/projects/{pid}", f"/projects/{pid}/edit"):
        html = planner.get(path).get_data(as_text=True)
        assert EVIL not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path


def test_the_page_lists_the_plots_with_links_and_their_area(planner, conn):
    row = conn.execute("SELECT pp.project_id, count(*) AS n, sum(pl.area_m2) AS m2 FROM "
                       "project_plots pp JOIN plots pl ON pl.id = pp.plot_id GROUP BY 1 "
                       "ORDER BY 2 DESC LIMIT 1").fetchone()
    html = planner.get(f"/projects/{row['project_id']}?lang=en").get_data(as_text=True)
    assert len(re.findall(r'<a href="/plots/\d+">', html)) == row["n"]
    assert f"{row['m2'] * 15 / 10000:.2f} mu" in html


def test_a_viewer_reads_without_edit_links_and_may_not_post(app, conn):
    viewer = login(app.test_client(), "viewer")
    pid = conn.execute("SELECT min(id) AS id FROM projects").fetchone()["id"]
    html = viewer.get(f"/projects/{pid}").get_data(as_text=True)
    assert "pa-milestone-add" not in html and "pa-project-edit" not in html
    assert 'href="/projects/new' not in viewer.get("/projects").get_data(as_text=True)
    assert viewer.get("/projects/new").status_code == 403
    assert form(viewer, f"/projects/{pid}/progress", reported_on="2026-01-01",
                progress_pct="1").status_code == 403


def test_a_guest_sees_no_project_and_no_link(app, conn):
    guest = login(app.test_client(), "guest")
    pid = conn.execute("SELECT min(id) AS id FROM projects").fetchone()["id"]
    assert guest.get("/projects").status_code == 403
    assert guest.get(f"/projects/{pid}").status_code == 403
    assert 'href="/projects"' not in guest.get("/").get_data(as_text=True)
