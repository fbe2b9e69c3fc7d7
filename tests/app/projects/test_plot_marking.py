"""Marking a project's plots (issue 12 item 2): the plots mostly inside a drawn polygon
(more than half of a plot's GK area), the conflict warnings of DESIGN §4.4 with their plot
codes, the save with a reason (stored, audited, the plots' status recomputed), the 409 of
a stale version and who may change the plots."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from babel.support import Translations
from pyproj import Transformer

from app import errors
from tests.builders import GK_EPSG, Site
from tests.client import api_error, api_login

API = "/api/v1"
ROOT = Path(__file__).resolve().parents[3]
_TO_LONLAT = Transformer.from_crs(GK_EPSG, 4490, always_xy=True)


@pytest.fixture
def planner(client):
    return api_login(client, "planner")


@pytest.fixture
def site(conn):
    return Site(conn)


def new_project(client, industry: str = "3985", name: str = "测试标注项目") -> dict:
    response = client.post(f"{API}/projects", json={"properties": {
        "code": f"TM-{abs(hash(name)) % 100000}", "name": name, "industry_code": industry,
        "stage": "signed"}})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["properties"]


def gk_polygon(x0: float, y0: float, x1: float, y1: float) -> dict:
    ring = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
    return {"type": "Polygon", "coordinates": [[list(_TO_LONLAT.transform(x, y))
                                                 for x, y in ring]]}


def save(client, pid: int, version: int, ids, reason=None, lang: str = "zh"):
    return client.put(f"{API}/projects/{pid}/plots?lang={lang}",
                      json={"version": version, "plot_ids": ids, "reason": reason})


@pytest.mark.parametrize(("share", "taken"), [(0.49, False), (0.51, True)])
def test_a_drawn_polygon_takes_the_plots_more_than_half_inside(planner, site, share, taken):
    inner = site.plot(planned_use="100101")
    # the polygon covers `share` of the plot (cut at x0 + share·100 m) and none of another
    polygon = gk_polygon(inner.x0 - 20, inner.y0 - 20, inner.x0 + share * inner.size,
                         inner.y0 + inner.size + 20)
    other = site.plot(planned_use="100101")  # a whole plot inside a second polygon
    pid = new_project(planner)["id"]
    response = planner.post(f"{API}/projects/{pid}/plots/inside", json={"polygon": polygon})
    if not taken:
        assert api_error(response, 400)["message"]  # selects no plot of this park
        return
    assert response.status_code == 200, response.get_json()
    features = response.get_json()["features"]
    assert [f["properties"]["code"] for f in features] == [inner.code]
    assert features[0]["properties"]["area_m2"] == pytest.approx(inner.area_m2)
    assert other.code not in {f["properties"]["code"] for f in features}


def test_saving_plots_without_conflicts_sets_the_selection_and_bumps_the_version(
        planner, site, conn):
    a, b, c = (site.plot(planned_use="100101") for _ in range(3))
    project = new_project(planner)
    response = save(planner, project["id"], project["version"], [a.id, b.id, c.id])
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert sorted(f["properties"]["code"] for f in data["features"]) == sorted(
        [a.code, b.code, c.code])
    assert data["version"] == project["version"] + 1
    assert data["area_m2"] == pytest.approx(a.area_m2 + b.area_m2 + c.area_m2)
    assert data["area_mu"] == pytest.approx(data["area_m2"] * 15 / 10000)
    # remove one: the selection is the whole new set
    response = save(planner, project["id"], data["version"], [a.id, c.id])
    assert [f["id"] for f in response.get_json()["features"]] == sorted([a.id, c.id])
    actions = conn.execute(
        "SELECT action, after ->> 'plot_id' AS added, before ->> 'plot_id' AS removed "
        "FROM audit_log WHERE table_name = 'project_plots' AND actor = 'test-planner' "
        "ORDER BY id").fetchall()
    assert [r["action"] for r in actions] == ["insert"] * 3 + ["delete"]
    assert actions[-1]["removed"] == str(b.id)


def test_double_claim_names_the_plot_and_the_other_project(planner, site, conn):
    plot = site.plot(planned_use="100101")
    free = site.plot(planned_use="100101")
    other = site.project("3985", [plot], stage="started")
    other_row = conn.execute("SELECT code, name FROM projects WHERE id = %s",
                             (other,)).fetchone()
    project = new_project(planner)
    error = api_error(save(planner, project["id"], 1, [plot.id, free.id]), 422)
    assert error["code"] == "plot_conflicts"
    warnings = error["details"]["warnings"]
    assert [(w["kind"], w["plot_code"]) for w in warnings] == [("double_claim", plot.code)]
    assert warnings[0]["others"][0]["code"] == other_row["code"]
    assert plot.code in warnings[0]["message"] and other_row["name"] in warnings[0]["message"]
    assert "重复占用" in warnings[0]["message"]
    assert conn.execute("SELECT count(*) AS n FROM project_plots WHERE project_id = %s",
                        (project["id"],)).fetchone()["n"] == 0
    en = api_error(save(planner, project["id"], 1, [plot.id], lang="en"), 422)
    assert en["details"]["warnings"][0]["message"].startswith("Double claim: plot " + plot.code)


def test_a_negotiating_other_project_is_no_double_claim(planner, site):
    plot = site.plot(planned_use="100101")
    site.project("3985", [plot], stage="negotiating")
    project = new_project(planner)
    assert save(planner, project["id"], 1, [plot.id]).status_code == 200


def test_zoning_conflict_names_the_plot_and_the_zone(planner, site, conn):
    zone = site.zone(["13"])
    plot = site.plot(planned_use="100101", zone_id=zone)
    project = new_project(planner, industry="3985")
    warnings = api_error(save(planner, project["id"], 1, [plot.id]), 422)["details"]["warnings"]
    assert [(w["kind"], w["plot_code"]) for w in warnings] == [("zoning", plot.code)]
    zone_code = conn.execute("SELECT code FROM zones WHERE id = %s", (zone,)).fetchone()["code"]
    assert zone_code in warnings[0]["message"] and "39" in warnings[0]["message"]
    assert "产业布局冲突" in warnings[0]["message"]


def test_use_conflict_names_the_plot_and_its_planned_use(planner, site):
    plot = site.plot(planned_use="0901")
    fine = site.plot(planned_use="100102")
    project = new_project(planner, industry="3985")
    warnings = api_error(save(planner, project["id"], 1, [plot.id, fine.id], lang="en"),
                         422)["details"]["warnings"]
    assert [(w["kind"], w["plot_code"]) for w in warnings] == [("use", plot.code)]
    assert "0901" in warnings[0]["message"] and "1001" in warnings[0]["message"]


def test_saving_anyway_with_a_reason_stores_and_audits_it_and_recomputes_the_status(
        planner, site, conn):
    plot = site.plot(planned_use="100101")
    free = site.plot(planned_use="100101")
    site.project("3985", [plot], stage="started")
    project = new_project(planner)
    response = save(planner, project["id"], 1, [plot.id, free.id], reason="  分期共用厂区  ")
    assert response.status_code == 200, response.get_json()
    reasons = {f["properties"]["code"]: f["properties"]["conflict_reason"]
               for f in response.get_json()["features"]}
    assert reasons == {plot.code: "分期共用厂区", free.code: None}
    audit = conn.execute(
        "SELECT actor, after FROM audit_log WHERE table_name = 'project_plots' "
        "AND after ->> 'plot_id' = %s AND after ->> 'project_id' = %s",
        (str(plot.id), str(project["id"]))).fetchone()
    assert audit["actor"] == "test-planner" and audit["after"]["conflict_reason"] == "分期共用厂区"
    flags = conn.execute("SELECT flags FROM plot_status WHERE plot_id = %s "
                         "ORDER BY evaluated_on DESC LIMIT 1", (plot.id,)).fetchone()["flags"]
    assert "double_claim" in flags
    # the project's page lists it, and its map shows the flag
    page = response.get_json()["features"]
    assert "double_claim" in next(f for f in page if f["id"] == plot.id)["properties"]["flags"]


def test_a_blank_reason_is_no_reason(planner, site):
    plot = site.plot(planned_use="0901")
    project = new_project(planner)
    assert api_error(save(planner, project["id"], 1, [plot.id], reason="   "),
                     422)["code"] == "plot_conflicts"


def test_a_stale_version_is_a_409_with_the_plots_saved_meanwhile(planner, site, conn):
    a, b = site.plot(planned_use="100101"), site.plot(planned_use="100101")
    project = new_project(planner)
    assert save(planner, project["id"], 1, [a.id]).status_code == 200
    error = api_error(save(planner, project["id"], 1, [b.id]), 409)
    assert error["details"]["current"]["plot_codes"] == [a.code]
    assert error["details"]["current"]["version"] == 2
    assert [r["plot_id"] for r in conn.execute(
        "SELECT plot_id FROM project_plots WHERE project_id = %s", (project["id"],))] == [a.id]


def test_plots_of_another_park_or_unknown_are_refused(planner):
    project = new_project(planner)
    error = api_error(save(planner, project["id"], 1, [987654321]), 400)
    assert error["details"]["unknown"] == [987654321]


def test_a_viewer_reads_the_plots_but_cannot_change_them(app, planner, site):
    plot = site.plot(planned_use="100101")
    project = new_project(planner)
    assert save(planner, project["id"], 1, [plot.id]).status_code == 200
    viewer = api_login(app.test_client(), "viewer")
    data = viewer.get(f"{API}/projects/{project['id']}/plots").get_json()
    assert [f["properties"]["code"] for f in data["features"]] == [plot.code]
    api_error(save(viewer, project["id"], 2, []), 403)
    api_error(viewer.post(f"{API}/projects/{project['id']}/plots/inside",
                          json={"polygon": gk_polygon(0, 0, 1, 1)}), 403)
    api_error(viewer.get(f"{API}/projects/999999/plots"), 404)


def test_the_history_names_the_plots_and_the_reason_without_empty_project_entries(
        app, planner, site):
    plot = site.plot(planned_use="0901")
    project = new_project(planner)
    assert save(planner, project["id"], 1, [plot.id], reason="规划调整中").status_code == 200
    entries = planner.get(f"{API}/projects/{project['id']}/history").get_json()
    assert [(e["record"], e["action"]) for e in entries] == [("占用地块", "insert"),
                                                             ("项目", "insert")]
    link = entries[0]
    assert link["record_key"] == plot.code
    assert {c["field"]: c["after"] for c in link["changes"]}["conflict_reason"] == "规划调整中"
    assert {c["field"]: c["after_name"] for c in link["changes"]}["plot_id"] == plot.code


def test_a_plot_of_another_park_is_refused_in_the_users_words(site, conn):
    """The database's own guard (project_plots_same_park) names the plot and the project,
    translated like every refusal, never the trigger's English."""
    other = conn.execute("INSERT INTO parks (code, name, gk_zone) VALUES ('OTHER', '别的园区', "
                         "38) RETURNING id").fetchone()["id"]
    stranger = Site(conn, other).plot(code="OT-1")
    project = site.project("3985", code="TP-HOME")
    with pytest.raises(psycopg.errors.CheckViolation) as caught:
        conn.execute("INSERT INTO project_plots (project_id, plot_id) VALUES (%s, %s)",
                     (project, stranger.id))
    conn.rollback()
    refusal = errors.from_database(caught.value)
    assert refusal.status == 400 and refusal.details["field"] == "plot_ids"
    assert "OT-1" in refusal.message and "TP-HOME" in refusal.message
    zh = Translations.load(str(ROOT / "app" / "translations"), ["zh"])
    assert "地块 OT-1 不在项目 TP-HOME 所属园区内" in refusal.localize(zh.gettext).message
