"""The JSON API of land-requisition plans (DESIGN §4.8): listing, creating, editing with
optimistic locking, the draft → submitted → approved workflow and its roles, the computed
numbers, the checks, every export format, the compensation rate table and the OpenAPI
description of these routes.

Every test runs against its own copy of the demo database (the `db_url` fixture), which
holds one draft plan of 22 plots, one of them (NQ-10-01) already requisitioned.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from decimal import Decimal

import jsonschema
import pytest
from werkzeug.http import parse_options_header

from app import exporters, requisition, users
from tests.builders import DEMO_PLAN
from tests.client import api_error, csrf_token, login

API = "/api/v1"
DEMO_PLOTS = 22
REQUISITIONED = "NQ-10-01"
NOT_IN_DEMO_PLAN = "NQ-05-08"
# Grow NQ-04-01 by 5 m: it then overlaps its neighbours in the demo plan (the park's overlap
# tolerance, editing.max_overlap_m2, raised first: the plan checks catch what it lets through).
OVERLAP_SQL = ("UPDATE parks SET settings = jsonb_set(settings, '{editing}', "
               "'{\"max_overlap_m2\": 1e9}');"
               "UPDATE plots SET geom = ST_Multi(ST_Transform(ST_Buffer(geom_gk, 5), 4490)) "
               "WHERE code = 'NQ-04-01'")


# --- helpers ------------------------------------------------------------------------------

def session(app, role: str):
    """A test client logged in through the login form, sending the CSRF token."""
    client = app.test_client()
    login(client, role)
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(client, "/")
    return client


@pytest.fixture
def viewer(app):
    return session(app, "viewer")


@pytest.fixture
def reader(app):
    """Reads draft plans and their money: a planner (a viewer reads approved plans only,
    without money unless the park allows: test_roles.py)."""
    return session(app, "planner")


@pytest.fixture
def planner(app):
    return session(app, "planner")


@pytest.fixture
def admin(app):
    return session(app, "admin")


@pytest.fixture
def plan(conn) -> dict:
    """The demo plan as the domain module reads it."""
    row = conn.execute("SELECT id FROM requisition_plans WHERE name = %s",
                       (DEMO_PLAN,)).fetchone()
    assert row, "the demo park should load the demo plan"
    return requisition.get(conn, row["id"])


def park_id(conn) -> int:
    return conn.execute("SELECT id FROM parks WHERE code = 'JSCY'").fetchone()["id"]


def ok(response, status: int = 200):
    """The response has this status; return its JSON body."""
    assert response.status_code == status, response.get_data(as_text=True)[:1000]
    return response.get_json()


assert_error = api_error


def plan_count(conn) -> int:
    return conn.execute("SELECT count(*) AS n FROM requisition_plans").fetchone()["n"]


def plan_row(conn, plan_id: int) -> dict | None:
    return conn.execute("SELECT * FROM requisition_plans WHERE id = %s", (plan_id,)).fetchone()


def plan_codes(client, plan_id: int, version: int | None = None) -> list[str]:
    query = f"?version={version}" if version else ""
    fc = ok(client.get(f"{API}/plans/{plan_id}/plots{query}"))
    assert fc["type"] == "FeatureCollection"
    return sorted(f["properties"]["code"] for f in fc["features"])


def gk_area(conn, codes, grid: float = 0.0) -> float:
    """The GK area of plots from PostGIS, optionally of the geometry snapped to a grid."""
    return conn.execute("SELECT sum(ST_Area(CASE WHEN %(grid)s > 0 THEN "
                        "ST_SnapToGrid(geom_gk, %(grid)s) ELSE geom_gk END)) AS a "
                        "FROM plots WHERE code = ANY(%(codes)s)",
                        {"grid": grid, "codes": list(codes)}).fetchone()["a"]


def jsonable(value):
    """What a value looks like after a trip through JSON."""
    return json.loads(json.dumps(value))


def create(client, name: str, selection, **query):
    suffix = "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    return client.post(f"{API}/plans{suffix}", json={"name": name, "selection": selection})


def polygon_around(conn, code: str, metres: float = 3.0) -> dict:
    """A GeoJSON polygon (lon/lat) a few metres around one plot."""
    return json.loads(conn.execute(
        "SELECT ST_AsGeoJSON(ST_Transform(ST_Buffer(geom_gk, %s), 4490)) AS g "
        "FROM plots WHERE code = %s", (metres, code)).fetchone()["g"])


# --- listing ------------------------------------------------------------------------------

def test_the_list_shows_the_demo_plan(reader, conn, plan):
    plans = ok(reader.get(f"{API}/plans"))
    assert isinstance(plans, list) and len(plans) == 1
    (row,) = plans
    assert row["id"] == plan["id"] and row["name"] == DEMO_PLAN
    assert row["park_code"] == "JSCY" and row["park_id"] == park_id(conn)
    assert (row["status"], row["current_version"]) == ("draft", 1)
    assert row["plot_count"] == DEMO_PLOTS
    codes = [r["code"] for r in conn.execute(
        "SELECT p.code FROM plan_plots pp JOIN plots p ON p.id = pp.plot_id "
        "WHERE pp.plan_id = %s", (plan["id"],))]
    assert row["area_m2"] == pytest.approx(gk_area(conn, codes), abs=0.01)


def test_the_list_filters_by_park_code_and_id(reader, conn, plan):
    other = conn.execute("INSERT INTO parks (code, name, gk_zone) VALUES ('OTHER', '别的园区', 38) "
                         "RETURNING id").fetchone()["id"]
    for park in ("JSCY", park_id(conn)):
        assert [p["id"] for p in ok(reader.get(f"{API}/plans?park={park}"))] == [plan["id"]]
    assert ok(reader.get(f"{API}/plans?park=OTHER")) == []
    assert ok(reader.get(f"{API}/plans?park={other}")) == []
    assert "NOPE" in assert_error(reader.get(f"{API}/plans?park=NOPE"), 404)["message"]


def test_plan_detail_has_its_versions(reader, plan):
    detail = ok(reader.get(f"{API}/plans/{plan['id']}"))
    assert detail["name"] == DEMO_PLAN and detail["park_code"] == "JSCY"
    assert [(v["version_no"], v["status"], v["plot_count"]) for v in detail["versions"]] == [
        (1, "draft", DEMO_PLOTS)]
    assert_error(reader.get(f"{API}/plans/999999"), 404)


def test_reading_plans_needs_a_login(client, plan):
    for path in ("/plans", f"/plans/{plan['id']}", f"/plans/{plan['id']}/result",
                 f"/plans/{plan['id']}/export?format=txt"):
        assert_error(client.get(API + path), 401)


# --- creating -----------------------------------------------------------------------------

def test_a_planner_creates_a_plan(planner, conn):
    before = plan_count(conn)
    made = ok(create(planner, "南区试点方案", {"codes": ["NQ-04-01", "NQ-04-02", "NQ-04-03"]},
                     park="JSCY"), 201)
    assert made["name"] == "南区试点方案" and made["status"] == "draft"
    assert made["park_id"] == park_id(conn) and made["created_by"] == "test-planner"
    assert [(v["version_no"], v["status"], v["plot_count"], v["created_by"])
            for v in made["versions"]] == [(1, "draft", 3, "test-planner")]
    assert plan_count(conn) == before + 1
    assert plan_row(conn, made["id"])["name"] == "南区试点方案"
    assert plan_codes(planner, made["id"]) == ["NQ-04-01", "NQ-04-02", "NQ-04-03"]


def test_a_plan_by_zone_takes_the_zones_plots(planner, conn):
    made = ok(create(planner, "按分区", {"zone": "SQ"}), 201)
    n = conn.execute("SELECT count(*) AS n FROM plots p JOIN zones z ON z.id = p.zone_id "
                     "WHERE z.code = 'SQ'").fetchone()["n"]
    assert made["versions"][0]["plot_count"] == n > 0


def test_a_viewer_may_not_create_a_plan(viewer, conn):
    before = plan_count(conn)
    assert_error(create(viewer, "不许建", {"codes": ["NQ-04-01"]}), 403)
    assert plan_count(conn) == before


# The error cases below change nothing, so each group shares one database copy and runs
# its cases as subtests (a copy per case would make the file several times slower).
BAD_PLANS = [
    ({"name": "x", "selection": {"codes": ["NQ-04-01", "NO-SUCH-1"]}}, "NO-SUCH-1"),
    ({"name": "x", "selection": {"zone": "XX"}}, "zone XX selects no plot"),
    ({"name": "x", "selection": {}}, "exactly one of"),
    ({"name": "x", "selection": {"zone": "SQ", "codes": ["NQ-04-01"]}}, "exactly one of"),
    ({"name": "x", "selection": {"project": "abc"}}, "selection.project: must be a whole"),
    ({"name": "x", "selection": {"polygon": {"type": "Point", "coordinates": [113, 29]}}},
     "selection.polygon.type: must be one of: Polygon, MultiPolygon"),
    ({"name": "x", "selection": {"parcel": 1}}, "selection.parcel: is not a field here"),
    ({"name": "x", "selection": "NQ-04-01"}, "selection: must be a JSON object"),
    ({"name": "x"}, "selection: is required"),
    ({"name": "  ", "selection": {"codes": ["NQ-04-01"]}}, "needs a name"),
    ({"selection": {"codes": ["NQ-04-01"]}}, "name: is required"),
    ({"name": "x" * 101, "selection": {"codes": ["NQ-04-01"]}},
     "name: has more than 100 characters"),
    (["not", "an", "object"], "JSON object"),
]


def test_a_bad_plan_is_a_400_naming_the_problem(planner, conn, subtests):
    before = plan_count(conn)
    for body, message in BAD_PLANS:
        with subtests.test(body=body):
            error = assert_error(planner.post(f"{API}/plans?lang=en", json=body), 400)
            assert message in error["message"]
            assert plan_count(conn) == before  # nothing half-written


def test_unknown_codes_are_listed_in_the_details(planner):
    response = create(planner, "x", {"codes": "NQ-04-01, NO-SUCH-2，NO-SUCH-1"})
    assert assert_error(response, 400)["details"] == {"unknown_codes": ["NO-SUCH-1",
                                                                        "NO-SUCH-2"]}


def test_a_duplicate_name_is_a_409(planner, conn):
    before = plan_count(conn)
    error = assert_error(create(planner, DEMO_PLAN, {"codes": ["NQ-04-01"]}), 409)
    assert "本园区已有名为" in error["message"]  # in the user's language (zh by default)
    assert plan_count(conn) == before


# --- editing ------------------------------------------------------------------------------

def test_edit_with_the_version_in_the_body_and_in_if_match(planner, conn, plan):
    url = f"{API}/plans/{plan['id']}"
    renamed = ok(planner.patch(url, json={"version": plan["version"], "name": "改名后的方案"}))
    assert renamed["name"] == "改名后的方案" and renamed["version"] == plan["version"] + 1
    assert plan_row(conn, plan["id"])["name"] == "改名后的方案"

    added = ok(planner.patch(url, json={"add": {"codes": [NOT_IN_DEMO_PLAN]}},
                             headers={"If-Match": f'"{renamed["version"]}"'}))
    assert added["version"] == renamed["version"] + 1
    assert added["versions"][-1]["plot_count"] == DEMO_PLOTS + 1
    assert NOT_IN_DEMO_PLAN in plan_codes(planner, plan["id"])


def test_a_stale_version_is_a_409_with_the_current_one(planner, conn, plan):
    url = f"{API}/plans/{plan['id']}"
    current = ok(planner.patch(url, json={"version": plan["version"], "name": "第一次改"}))
    error = assert_error(planner.patch(url, json={"version": plan["version"],
                                                  "remove": ["NQ-04-01"]}), 409)
    assert error["details"]["current_version"] == current["version"]
    assert "已被他人修改" in error["message"]
    error = assert_error(planner.patch(url, json={"name": "第二次改"},
                                       headers={"If-Match": str(plan["version"])}), 409)
    assert error["details"]["current_version"] == current["version"]
    row = plan_row(conn, plan["id"])
    assert (row["name"], row["version"]) == ("第一次改", current["version"])
    assert "NQ-04-01" in plan_codes(planner, plan["id"])


BAD_EDITS = [
    ({"version": 1, "name": "x", "plots": ["NQ-04-01"]}, 400, "plots: is not a field here"),
    ({"version": 1, "status": "approved"}, 400, "status: is not a field here"),
    ({"name": "x"}, 400, "version you read"),
    ({"version": "abc", "name": "x"}, 400, "version: must be a whole number"),
    ({"version": 1}, 400, "nothing to change"),
    ({"version": 1, "add": {"codes": ["NO-SUCH-1"]}}, 400, "NO-SUCH-1"),
    ({"version": 1, "remove": ["NO-SUCH-1"]}, 400, "NO-SUCH-1"),
    ({"version": 1, "add": {"zone": "SQ", "codes": ["NQ-04-01"]}}, 400, "exactly one of"),
    ({"version": 1, "add": ["NQ-04-01"]}, 400, "add: must be a JSON object"),
    ({"version": 1, "remove": 5}, 400, "remove: must be a list"),
    ({"version": 1, "remove": {"codes": ["NQ-04-01"]}}, 400, "remove: must be a list"),
    ({"version": 1, "remove": [5]}, 400, "remove.0: must be text"),
    ({"version": 1, "name": 5}, 400, "name: must be text"),
]


def test_a_bad_edit_is_refused_and_changes_nothing(planner, conn, plan, subtests):
    before = plan_row(conn, plan["id"])
    for body, status, message in BAD_EDITS:
        with subtests.test(body=body):
            error = assert_error(planner.patch(f"{API}/plans/{plan['id']}?lang=en", json=body),
                                 status)
            assert message in error["message"]
            assert plan_row(conn, plan["id"]) == before
            assert len(plan_codes(planner, plan["id"])) == DEMO_PLOTS


def test_remove_takes_a_code_string_like_the_other_selections(planner, plan):
    changed = ok(planner.patch(f"{API}/plans/{plan['id']}",
                               json={"version": plan["version"], "remove": "NQ-04-01, NQ-04-02"}))
    assert changed["versions"][-1]["plot_count"] == DEMO_PLOTS - 2


def test_add_by_polygon_and_remove_by_codes(planner, conn, plan):
    url = f"{API}/plans/{plan['id']}"
    added = ok(planner.patch(url, json={"version": plan["version"],
                                        "add": {"polygon": polygon_around(conn,
                                                                          NOT_IN_DEMO_PLAN)}}))
    codes = plan_codes(planner, plan["id"])
    assert NOT_IN_DEMO_PLAN in codes and len(codes) == DEMO_PLOTS + 1
    removed = ok(planner.patch(url, json={"version": added["version"],
                                          "remove": [NOT_IN_DEMO_PLAN, "NQ-04-01"]}))
    codes = plan_codes(planner, plan["id"])
    assert NOT_IN_DEMO_PLAN not in codes and "NQ-04-01" not in codes
    assert removed["versions"][-1]["plot_count"] == len(codes) == DEMO_PLOTS - 1
    assert removed["current_version"] == 1  # a draft is edited in place


def test_a_viewer_may_not_edit_or_delete(viewer, conn, plan):
    url = f"{API}/plans/{plan['id']}"
    assert_error(viewer.patch(url, json={"version": plan["version"], "name": "x"}), 403)
    assert_error(viewer.delete(url, json={"version": plan["version"]}), 403)
    assert_error(viewer.post(f"{url}/submit", json={"version": plan["version"]}), 403)
    assert plan_row(conn, plan["id"])["version"] == plan["version"]


def test_an_unknown_plan_is_a_404(planner):
    assert_error(planner.patch(f"{API}/plans/999999", json={"version": 1, "name": "x"}), 404)
    assert_error(planner.post(f"{API}/plans/999999/submit", json={"version": 1}), 404)
    assert_error(planner.get(f"{API}/plans/999999/result"), 404)
    assert_error(planner.get(f"{API}/plans/999999/export?format=txt"), 404)


# --- workflow -----------------------------------------------------------------------------

def test_submit_then_approve_by_an_admin_only(planner, admin, conn, plan):
    url = f"{API}/plans/{plan['id']}"
    submitted = ok(planner.post(f"{url}/submit", json={"version": plan["version"]}))
    assert submitted["status"] == "submitted"
    (v1,) = submitted["versions"]
    assert (v1["status"], v1["submitted_by"]) == ("submitted", "test-planner")
    frozen = conn.execute("SELECT result FROM plan_versions WHERE plan_id = %s AND "
                          "version_no = 1", (plan["id"],)).fetchone()["result"]
    assert frozen is not None

    assert_error(planner.post(f"{url}/approve", json={"version": submitted["version"]}), 403)
    assert plan_row(conn, plan["id"])["status"] == "submitted"
    assert_error(admin.post(f"{url}/approve", json={"version": plan["version"]}), 409)  # stale
    approved = ok(admin.post(f"{url}/approve", json={"version": submitted["version"]}))
    assert approved["status"] == "approved"
    assert approved["versions"][0]["approved_by"] == "test-admin"


def test_a_submitted_plan_cannot_be_submitted_again_or_deleted(planner, conn, plan):
    url = f"{API}/plans/{plan['id']}"
    submitted = ok(planner.post(f"{url}/submit", headers={"If-Match": str(plan["version"])}))
    error = assert_error(planner.post(f"{url}/submit", json={"version": submitted["version"]}),
                         409)
    assert "已是“已报批”状态" in error["message"]
    error = assert_error(planner.delete(url, json={"version": submitted["version"]}), 409)
    assert "不能删除" in error["message"]
    assert plan_row(conn, plan["id"])["status"] == "submitted"


def test_a_draft_plan_can_only_be_approved_after_submission(admin, plan):
    error = assert_error(admin.post(f"{API}/plans/{plan['id']}/approve",
                                    json={"version": plan["version"]}), 409)
    assert "只有已报批的方案才能批准" in error["message"]


def test_a_never_submitted_plan_is_deleted(planner, conn):
    made = ok(create(planner, "临时方案", {"codes": [NOT_IN_DEMO_PLAN]}), 201)
    url = f"{API}/plans/{made['id']}"
    assert_error(planner.delete(url, json={"version": made["version"] + 7}), 409)
    response = planner.delete(url, headers={"If-Match": str(made["version"])})
    assert response.status_code == 204, response.get_data(as_text=True)
    assert response.get_data() == b""
    assert plan_row(conn, made["id"]) is None
    assert conn.execute("SELECT count(*) AS n FROM plan_versions WHERE plan_id = %s",
                        (made["id"],)).fetchone()["n"] == 0
    assert_error(planner.get(url), 404)


def test_editing_a_submitted_plan_starts_a_new_draft_version(planner, conn, plan):
    url = f"{API}/plans/{plan['id']}"
    submitted = ok(planner.post(f"{url}/submit", json={"version": plan["version"]}))
    edited = ok(planner.patch(url, json={"version": submitted["version"],
                                         "remove": ["NQ-04-01"]}))
    assert edited["current_version"] == 2 and edited["status"] == "draft"
    assert [(v["version_no"], v["status"], v["plot_count"]) for v in edited["versions"]] == [
        (1, "submitted", DEMO_PLOTS), (2, "draft", DEMO_PLOTS - 1)]
    assert "NQ-04-01" in plan_codes(planner, plan["id"], version=1)
    assert "NQ-04-01" not in plan_codes(planner, plan["id"])


# --- the numbers --------------------------------------------------------------------------

def test_the_result_is_what_requisition_computes(reader, conn, plan):
    got = ok(reader.get(f"{API}/plans/{plan['id']}/result"))
    want = requisition.compute(conn, plan["id"])
    assert got == jsonable(want.summary())
    # and the figures a reader checks, spelled out
    assert got["plot_count"] == DEMO_PLOTS - 1 == len(want.plots)
    assert got["area_m2"] == pytest.approx(want.area_m2)
    # areas are of the geometry on the 0.1 mm grid of the 报批坐标 file (DESIGN §4.8)
    codes = [p.code for p in want.plots]
    assert got["area_m2"] == pytest.approx(gk_area(conn, codes, grid=0.0001), abs=1e-6)
    assert got["area_m2"] == pytest.approx(gk_area(conn, codes), abs=0.05 * len(codes))
    assert got["compensation"]["total"] == str(want.compensation.total)
    assert re.fullmatch(r"[1-9][0-9]*\.[0-9]{2}", got["compensation"]["total"])
    assert Decimal(got["compensation"]["total"]) == sum(
        Decimal(o["compensation"]["total"]) for o in got["by_owner"])
    assert [(o["owner"], o["owner_type"], o["plots"], o["compensation"]["total"])
            for o in got["by_owner"]] == [
        (o.owner, o.owner_type, o.plots, str(o.compensation.total)) for o in want.by_owner]
    assert got["by_owner"][-1]["owner_type"] == "state"
    assert got["by_owner"][-1]["compensation"]["total"] == "0.00"
    assert [e["code"] for e in got["excluded"]] == [REQUISITIONED]
    assert got["excluded"][0]["reason"] == "requisitioned"
    assert REQUISITIONED not in [p["code"] for p in got["plots"]]


def test_an_earlier_version_gives_its_frozen_numbers(planner, conn, plan):
    url = f"{API}/plans/{plan['id']}"
    draft = ok(planner.get(f"{url}/result"))
    submitted = ok(planner.post(f"{url}/submit", json={"version": plan["version"]}))
    # the land and the rates change after submission, and the plan is edited
    conn.execute("UPDATE compensation_rates SET land_price_yuan_mu = land_price_yuan_mu + 1000")
    conn.execute("UPDATE plots SET owner = '改过的村' WHERE code = 'NQ-04-02'")
    ok(planner.patch(url, json={"version": submitted["version"], "remove": ["NQ-04-01"]}))

    v1 = ok(planner.get(f"{url}/result?version=1"))
    assert (v1["version"], v1["status"]) == (1, "submitted")
    for key in ("plot_count", "area_m2", "compensation", "by_owner", "by_land_class",
                "plots", "excluded"):
        assert v1[key] == draft[key], key
    assert v1 == ok(planner.get(f"{url}/result?version=1"))

    v2 = ok(planner.get(f"{url}/result"))
    assert (v2["version"], v2["status"], v2["plot_count"]) == (2, "draft", DEMO_PLOTS - 2)
    assert "NQ-04-01" not in [p["code"] for p in v2["plots"]]
    assert "改过的村" in [o["owner"] for o in v2["by_owner"]]
    assert Decimal(v2["compensation"]["land"]) > Decimal(v1["compensation"]["land"]) - \
        Decimal(next(p for p in v1["plots"] if p["code"] == "NQ-04-01")
                ["compensation"]["land"])
    assert v2 == jsonable(requisition.compute(conn, plan["id"]).summary())


def test_a_bad_version_argument(reader, plan, subtests):
    for query, status in (("version=7", 404), ("version=abc", 400), ("version=0", 400),
                          ("version=-1", 400)):
        for what in ("result", "check", "plots", "export"):
            with subtests.test(query=query, what=what):
                extra = "&format=txt" if what == "export" else ""
                assert_error(reader.get(f"{API}/plans/{plan['id']}/{what}?{query}{extra}"),
                             status)


# --- checks -------------------------------------------------------------------------------

def test_the_demo_plan_has_no_problems(reader, plan):
    assert ok(reader.get(f"{API}/plans/{plan['id']}/check")) == {"problems": []}


def test_overlapping_plots_are_listed_and_stop_export_and_submission(planner, conn, plan):
    conn.execute(OVERLAP_SQL)
    url = f"{API}/plans/{plan['id']}"
    problems = ok(planner.get(f"{url}/check"))["problems"]
    overlaps = [p for p in problems if p["kind"] == "overlap"]
    assert overlaps and all("NQ-04-01" in (p["code"], p["other"]) for p in overlaps)
    assert all(p["problem"].startswith(f"与 {p['other']} 重叠 ") for p in overlaps)
    assert [p["code"] for p in problems] == [p["code"] for p in requisition.check(conn, plan["id"])]

    error = assert_error(planner.get(f"{url}/export?format=xlsx"), 422)
    assert error["code"] == "plan_rejected" and "重叠" in error["message"]
    assert error["details"]["problems"] == problems
    assert assert_error(planner.get(f"{url}/result"), 422)["details"]["problems"] == problems

    error = assert_error(planner.post(f"{url}/submit", json={"version": plan["version"]}), 422)
    assert error["details"]["problems"] == problems
    row = plan_row(conn, plan["id"])
    assert (row["status"], row["version"]) == ("draft", plan["version"])  # nothing half-written


# --- exports ------------------------------------------------------------------------------

def _check_xlsx(data: bytes) -> None:
    assert data[:2] == b"PK"
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "xl/workbook.xml" in names, names


def _check_txt(data: bytes) -> None:
    text = data.decode("gbk")
    assert text.startswith("[属性描述]"), text[:100]
    assert "[地块坐标]" in text and "坐标系=2000国家大地坐标系" in text
    assert REQUISITIONED not in text
    assert text.count(",@") == DEMO_PLOTS - 1


def _check_points_csv(data: bytes) -> None:
    text = data.decode("utf-8-sig")
    assert "J1" in text and "NQ-04-01" in text and REQUISITIONED not in text


def _check_gpkg(data: bytes) -> None:
    assert data.startswith(b"SQLite format 3\x00")


def _check_shp(data: bytes) -> None:
    assert data[:2] == b"PK"
    suffixes = {name.rsplit(".", 1)[-1] for name in zipfile.ZipFile(io.BytesIO(data)).namelist()}
    assert {"shp", "shx", "dbf", "prj", "cpg"} <= suffixes, suffixes


def _check_geojson(data: bytes) -> None:
    doc = json.loads(data)
    assert doc["type"] == "FeatureCollection"
    assert len(doc["features"]) == DEMO_PLOTS - 1
    codes = {f["properties"]["plot_code"] for f in doc["features"]}
    assert "NQ-04-01" in codes and REQUISITIONED not in codes


def _check_kml(data: bytes) -> None:
    text = data.decode("utf-8")
    assert "<kml" in text and "NQ-04-01" in text


def _check_dxf(data: bytes) -> None:
    text = data.decode("gbk")      # R2000, $DWGCODEPAGE = ANSI_936
    assert "SECTION" in text and "NQ-04-01" in text and "红线" in text


def _check_pdf(data: bytes) -> None:
    assert data.startswith(b"%PDF") and b"%%EOF" in data[-1024:]


def _check_package(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        folder = f"{DEMO_PLAN}_v1_报批材料包"
        manifest = json.loads(archive.read(f"{folder}/manifest.json"))
    assert manifest["totals"]["plots"] == DEMO_PLOTS - 1
    assert {f"{folder}/{f['path']}" for f in manifest["files"]} | \
        {f"{folder}/manifest.json", f"{folder}/清单.txt"} == set(names)


CHECKS = {"package": _check_package, "xlsx": _check_xlsx, "txt": _check_txt, "points": _check_xlsx,
          "points-csv": _check_points_csv, "gpkg": _check_gpkg, "shp": _check_shp,
          "geojson": _check_geojson, "kml": _check_kml, "dxf": _check_dxf, "pdf": _check_pdf}


def test_every_format_has_a_check():
    assert set(CHECKS) == set(exporters.FORMATS)


@pytest.mark.parametrize("name", list(exporters.FORMATS))
def test_export_every_format(reader, plan, name):
    fmt = exporters.FORMATS[name]
    response = reader.get(f"{API}/plans/{plan['id']}/export?format={name}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == fmt.media_type
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;"), disposition
    filename = re.search(r'filename="([^"]+)"', disposition)[1]
    assert filename == f"plan-{plan['id']}-v1-{exporters.KINDS[name][1]}.{fmt.extension}"
    assert parse_options_header(disposition)[1]["filename"] == \
        f"{DEMO_PLAN}_v1_{exporters.KINDS[name][0]}.{fmt.extension}"
    data = response.get_data()
    assert data
    charset = response.mimetype_params.get("charset")
    if name == "txt":  # the 报批坐标 TXT is GBK, and the header must not say otherwise
        assert charset == "gbk", response.content_type
    if charset:  # a charset the server names must be the one the file is written in
        data.decode(charset)
    CHECKS[name](data)


@pytest.mark.parametrize(("fmt", "lang", "unicode_name", "ascii_name"), [
    ("txt", "zh", "北区_一期_二批_方案_v1_报批坐标.txt", "coordinates.txt"),
    ("points", "en", "北区_一期_二批_方案_v1_boundary-points.xlsx", "boundary-points.xlsx"),
    ("package", "zh", "北区_一期_二批_方案_v1_报批材料包.zip", "package.zip"),
])
def test_download_names_carry_the_plan_name_with_an_ascii_fallback(
        planner, plan, fmt, lang, unicode_name, ascii_name):
    renamed = ok(planner.patch(f"{API}/plans/{plan['id']}", json={
        "version": plan["version"], "name": '北区 "一期"/二批  方案 '}))
    assert renamed["current_version"] == 1  # a draft is renamed in place
    response = planner.get(f"{API}/plans/{plan['id']}/export?format={fmt}&lang={lang}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    disposition = response.headers["Content-Disposition"]
    assert disposition.isascii()
    fallback = re.fullmatch(r'attachment; filename="([\x20-\x7e]+)"; '
                            r"filename\*=UTF-8''([A-Za-z0-9%._~-]+)", disposition)
    assert fallback, disposition
    assert fallback[1] == f"plan-{plan['id']}-v1-{ascii_name}"
    # the unsafe characters are gone, so the name is what the file gets on disk
    assert parse_options_header(disposition)[1]["filename"] == unicode_name


def test_safe_names_for_windows_and_linux():
    assert exporters.safe_name('a/b\\c:d*e?f"g<h>i|j', "x") == "a_b_c_d_e_f_g_h_i_j"
    assert exporters.safe_name(" 甲  乙\r\n丙. ", "x") == "甲_乙_丙"
    assert exporters.safe_name("CON", "plan-3") == "plan-3"
    assert exporters.safe_name("///", "plan-3") == "plan-3"
    assert exporters.safe_name("长" * 200, "x") == "长" * exporters.NAME_LIMIT


def test_a_viewer_without_money_gets_403_for_the_package(app, viewer, conn, plan):
    submitted = requisition.submit(conn, plan["id"], plan["version"], "test-planner")
    requisition.approve(conn, plan["id"], submitted["version"], "test-admin")
    url = f"{API}/plans/{plan['id']}/export?format=package"
    error = assert_error(viewer.get(url), 403)
    assert error["code"] == "forbidden" and "补偿" in error["message"]
    assert viewer.get(f"{API}/plans/{plan['id']}/export?format=txt").status_code == 200
    conn.execute("UPDATE parks SET settings = jsonb_set(settings, '{access}', "
                 "'{\"viewer_sees_money\": true}')")
    response = viewer.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    _check_package(response.get_data())


def test_txt_in_utf_8(reader, plan):
    response = reader.get(f"{API}/plans/{plan['id']}/export?format=txt&encoding=utf-8")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype_params.get("charset") == "utf-8", response.content_type
    text = response.get_data().decode("utf-8")
    assert text.startswith("[属性描述]") and text.count(",@") == DEMO_PLOTS - 1
    gbk = reader.get(f"{API}/plans/{plan['id']}/export?format=txt&encoding=gbk").get_data()
    assert gbk.decode("gbk") == text
    assert gbk != response.get_data()


@pytest.mark.parametrize(("query", "cpg", "owner_bytes"), [
    ("format=shp", b"936", "gbk"), ("format=shp&encoding=gbk", b"936", "gbk"),
    ("format=shp&encoding=utf-8", b"UTF-8", "utf-8")])
def test_shapefile_encoding_option(reader, plan, query, cpg, owner_bytes):
    response = reader.get(f"{API}/plans/{plan['id']}/export?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        names = archive.namelist()
        assert archive.read(next(n for n in names if n.endswith(".cpg"))) == cpg
        dbf = archive.read(next(n for n in names if n.endswith(".dbf")))
    assert "村".encode(owner_bytes) in dbf


BAD_EXPORTS = [
    ("format=nope", "请用：" + ", ".join(exporters.FORMATS)),
    ("", "未知的导出格式"),
    ("format=xlsx&encoding=gbk", "不接受参数 encoding"),
    ("format=pdf&encoding=utf-8", "不接受参数 encoding"),
    ("format=txt&encoding=latin-1", "请用 gbk 或 utf-8"),
    ("format=shp&encoding=latin-1", "Shapefile 不支持编码 'latin-1'"),
    ("format=xlsx&lang=fr", "lang 只能是 zh 或 en"),
    ("format=txt&lang=fr", "lang 只能是 zh 或 en"),
]


def test_bad_export_arguments_are_a_400(reader, plan, subtests):
    for query, message in BAD_EXPORTS:
        with subtests.test(query=query):
            error = assert_error(reader.get(f"{API}/plans/{plan['id']}/export?{query}"), 400)
            assert message in error["message"]


def test_export_with_a_bearer_token(app, conn, plan):
    token = users.issue_token(conn, "test-planner", "pytest")
    client = app.test_client()
    response = client.get(f"{API}/plans/{plan['id']}/export?format=geojson",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    _check_geojson(response.get_data())
    assert "Set-Cookie" not in response.headers
    assert_error(client.get(f"{API}/plans/{plan['id']}/export?format=geojson",
                            headers={"Authorization": "Bearer pa_not-a-token"}), 401)
    assert_error(client.get(f"{API}/plans/{plan['id']}/export?format=geojson"), 401)


def test_a_planner_token_can_write_without_csrf(app, conn, plan):
    token = users.issue_token(conn, "test-planner")
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    made = ok(create(client, "令牌建的方案", {"codes": [NOT_IN_DEMO_PLAN]}), 201)
    assert made["created_by"] == "test-planner"
    submitted = ok(client.post(f"{API}/plans/{made['id']}/submit",
                               json={"version": made["version"]}))
    assert submitted["versions"][0]["submitted_by"] == "test-planner"


def test_a_session_write_needs_the_csrf_token(app, conn):
    client = app.test_client()
    login(client, "planner")
    before = plan_count(conn)
    response = create(client, "无令牌", {"codes": ["NQ-04-01"]})
    assert response.status_code in (400, 403), response.status_code
    assert plan_count(conn) == before


# --- compensation rates -------------------------------------------------------------------

def rate_row(conn, price_zone: str = "II", land_group: str = "cultivated") -> dict:
    return conn.execute("SELECT * FROM compensation_rates WHERE price_zone = %s AND "
                        "land_group = %s", (price_zone, land_group)).fetchone()


def rate_values(row: dict, **changes) -> dict:
    return {f: str(row[f]) for f in requisition.RATE_FIELDS} | changes


def test_planners_read_the_rate_table(reader, conn):
    pid = park_id(conn)
    rows = ok(reader.get(f"{API}/parks/{pid}/compensation-rates"))
    db_rows = conn.execute("SELECT * FROM compensation_rates WHERE park_id = %s",
                           (pid,)).fetchall()
    assert len(rows) == len(db_rows) > 0
    by_key = {(r["price_zone"], r["land_group"]): r for r in db_rows}
    for row in rows:
        want = by_key[(row["price_zone"], row["land_group"])]
        assert row["id"] == want["id"] and row["version"] == want["version"]
        for field in requisition.RATE_FIELDS:
            assert Decimal(str(row[field])) == want[field], field
    assert_error(reader.get(f"{API}/parks/2147483648/compensation-rates"), 404)
    assert_error(reader.get(f"{API}/parks/999999/compensation-rates"), 404)


def test_an_admin_changes_a_rate_and_the_change_is_audited(admin, conn, plan):
    before = requisition.compute(conn, plan["id"])
    rate = rate_row(conn)
    new_price = rate["land_price_yuan_mu"] + Decimal("1500.50")
    body = {"version": rate["version"],
            "rates": rate_values(rate, land_price_yuan_mu=str(new_price))}
    changed = ok(admin.patch(f"{API}/compensation-rates/{rate['id']}", json=body))
    assert changed["id"] == rate["id"] and changed["version"] == rate["version"] + 1
    assert Decimal(str(changed["land_price_yuan_mu"])) == new_price
    after = rate_row(conn)
    assert after["land_price_yuan_mu"] == new_price and after["version"] == changed["version"]

    audit = conn.execute("SELECT actor, before, after FROM audit_log WHERE table_name = "
                         "'compensation_rates' AND action = 'update' AND row_id = %s "
                         "ORDER BY at DESC LIMIT 1", (str(rate["id"]),)).fetchone()
    assert audit is not None and audit["actor"] == "test-admin"
    assert Decimal(str(audit["before"]["land_price_yuan_mu"])) == rate["land_price_yuan_mu"]
    assert Decimal(str(audit["after"]["land_price_yuan_mu"])) == new_price

    result = ok(admin.get(f"{API}/plans/{plan['id']}/result"))
    assert Decimal(result["compensation"]["land"]) > before.compensation.land


def test_a_planner_may_not_change_rates(planner, conn):
    rate = rate_row(conn)
    body = {"version": rate["version"], "rates": rate_values(rate, crop_yuan_mu="1")}
    assert_error(planner.patch(f"{API}/compensation-rates/{rate['id']}", json=body), 403)
    assert rate_row(conn) == rate


def test_a_stale_rate_version_is_a_409(admin, conn):
    rate = rate_row(conn)
    url = f"{API}/compensation-rates/{rate['id']}"
    first = ok(admin.patch(url, json={"version": rate["version"],
                                      "rates": rate_values(rate, crop_yuan_mu="1.00")}))
    error = assert_error(admin.patch(url, json={"version": rate["version"],
                                                "rates": rate_values(rate, crop_yuan_mu="2")}),
                         409)
    assert error["details"]["current_version"] == first["version"]
    assert rate_row(conn)["crop_yuan_mu"] == Decimal("1.00")
    assert_error(admin.patch(f"{API}/compensation-rates/999999",
                             json={"version": 1, "rates": rate_values(rate)}), 404)


BAD_RATES = [  # (changes to a valid row, or a whole replacement; the message)
    ({"land_price_yuan_mu": "-1"}, "from 0 to"),
    ({"crop_yuan_mu": "abc"}, "must be a number"),
    ({"house_yuan_m2": "12.345"}, "more than two decimals"),
    ({"social_security_yuan_mu": "NaN"}, "from 0 to"),
    ({"special_crop_yuan_mu": None}, "rates.special_crop_yuan_mu: must be a number"),
    ({"bonus_yuan_mu": "1"}, "rates.bonus_yuan_mu: is not a field here"),
    ({"special_crop_yuan_mu": "1e13"}, "from 0 to"),
    ("missing crop_yuan_mu", "missing: crop_yuan_mu"),
    (None, "rates: must be a JSON object"),
    (["land_price_yuan_mu"], "rates: must be a JSON object"),
    (5, "rates: must be a JSON object"),
]


def test_a_bad_rate_is_a_400(admin, conn, subtests):
    rate = rate_row(conn)
    for rates, message in BAD_RATES:
        with subtests.test(rates=rates):
            if isinstance(rates, dict):
                values = rate_values(rate, **rates)
            elif rates == "missing crop_yuan_mu":
                values = rate_values(rate)
                del values["crop_yuan_mu"]
            else:
                values = rates
            error = assert_error(admin.patch(f"{API}/compensation-rates/{rate['id']}?lang=en",
                                             json={"version": rate["version"], "rates": values}),
                                 400)
            assert message in error["message"]
            assert rate_row(conn) == rate


# --- OpenAPI ------------------------------------------------------------------------------

PLAN_OPERATIONS = {
    "/plans": {"get", "post"},
    "/plans/{plan_id}": {"get", "patch", "delete"},
    "/plans/{plan_id}/submit": {"post"},
    "/plans/{plan_id}/approve": {"post"},
    "/plans/{plan_id}/plots": {"get"},
    "/plans/{plan_id}/check": {"get"},
    "/plans/{plan_id}/result": {"get"},
    "/plans/{plan_id}/export": {"get"},
    "/parks/{park_id}/compensation-rates": {"get"},
    "/compensation-rates/{rate_id}": {"patch"},
}


@pytest.fixture
def openapi_doc(client) -> dict:
    return ok(client.get(f"{API}/openapi.json"))


def _deref(doc: dict, node: dict) -> dict:
    while "$ref" in node:
        target = doc
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _params(doc: dict, op: dict) -> dict[str, dict]:
    return {p["name"]: p for p in (_deref(doc, p) for p in op.get("parameters", []))}


def test_openapi_describes_the_plan_routes(openapi_doc):
    doc = openapi_doc
    for path, methods in PLAN_OPERATIONS.items():
        assert methods <= set(doc["paths"].get(path, {})), path
    export = doc["paths"]["/plans/{plan_id}/export"]["get"]
    params = _params(doc, export)
    assert params["format"]["schema"]["enum"] == list(exporters.FORMATS)
    assert params["format"]["required"] is True
    assert set(params["lang"]["schema"]["enum"]) == {"zh", "en"}
    assert set(params["encoding"]["schema"]["enum"]) == {"gbk", "utf-8"}
    assert {f.media_type for f in exporters.FORMATS.values()} == \
        set(export["responses"]["200"]["content"])
    assert "422" in export["responses"]
    for path in ("/plans/{plan_id}/result", "/plans/{plan_id}/check",
                 "/plans/{plan_id}/plots"):
        assert "version" in _params(doc, doc["paths"][path]["get"]), path
    assert "park" in _params(doc, doc["paths"]["/plans"]["get"])
    create_schema = doc["paths"]["/plans"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]
    assert set(create_schema["required"]) == {"name", "selection"}
    edit_schema = doc["paths"]["/plans/{plan_id}"]["patch"]["requestBody"]["content"][
        "application/json"]["schema"]
    assert set(edit_schema["properties"]) == {"version", "name", "add", "remove"}
    rates_schema = doc["paths"]["/compensation-rates/{rate_id}"]["patch"]["requestBody"][
        "content"]["application/json"]["schema"]
    assert set(rates_schema["required"]) == {"rates"}  # the version may be in If-Match


def _validate(doc: dict, path: str, method: str, response) -> None:
    """The response is documented (status and media type) and matches its schema."""
    op = doc["paths"][path][method]
    status = str(response.status_code)
    assert status in op["responses"], f"{method.upper()} {path} → {status} is not documented"
    documented = _deref(doc, op["responses"][status])
    content = documented.get("content")
    if not content:
        assert response.get_data() == b"", (method, path, status)
        return
    assert response.mimetype in content, (method, path, status, response.mimetype)
    schema = content[response.mimetype]["schema"]
    jsonschema.Draft202012Validator({**schema, "components": doc["components"]}).validate(
        response.get_json())


def test_plan_responses_match_the_openapi_schemas(reader, openapi_doc, viewer, planner, admin, conn,
                                                  plan):
    doc, pid, url = openapi_doc, plan["id"], f"{API}/plans/{plan['id']}"
    rate = rate_row(conn)
    cases = [
        ("/plans/{plan_id}", "get", reader.get(url)),
        ("/plans/{plan_id}/plots", "get", reader.get(f"{url}/plots")),
        ("/plans/{plan_id}/check", "get", reader.get(f"{url}/check")),
        ("/plans/{plan_id}/result", "get", reader.get(f"{url}/result")),
        ("/plans/{plan_id}/export", "get", reader.get(f"{url}/export?format=nope")),
        ("/plans/{plan_id}", "patch", planner.patch(url, json={"version": 99, "name": "x"})),
        ("/plans", "post", create(viewer, "x", {"codes": ["NQ-04-01"]})),
        ("/plans", "post", create(planner, "x", {"zone": "XX"})),
        ("/plans/{plan_id}/approve", "post", planner.post(f"{url}/approve",
                                                          json={"version": 1})),
        ("/compensation-rates/{rate_id}", "patch",
         admin.patch(f"{API}/compensation-rates/{rate['id']}",
                     json={"version": rate["version"], "rates": rate_values(rate)})),
    ]
    submitted = planner.post(f"{url}/submit", json={"version": plan["version"]})
    cases.append(("/plans/{plan_id}/submit", "post", submitted))
    cases.append(("/plans/{plan_id}/submit", "post",
                  planner.post(f"{url}/submit", json={"version": submitted.get_json()
                                                      ["version"]})))
    conn.execute(OVERLAP_SQL)
    made = create(planner, "重叠的方案", {"codes": ["NQ-04-01", "NQ-04-02"]}).get_json()
    cases.append(("/plans/{plan_id}/export", "get",
                  reader.get(f"{API}/plans/{made['id']}/export?format=txt")))
    statuses = set()
    for path, method, response in cases:
        _validate(doc, path, method, response)
        statuses.add(response.status_code)
    assert {200, 400, 403, 409, 422} <= statuses, statuses
    assert pid


# Operations whose answer is not a 200 with an object: arrays, 201 Created, 204 No Content.
def test_the_plan_list_matches_its_openapi_schema(openapi_doc, reader):
    _validate(openapi_doc, "/plans", "get", reader.get(f"{API}/plans"))


def test_the_rate_table_matches_its_openapi_schema(openapi_doc, reader, conn):
    _validate(openapi_doc, "/parks/{park_id}/compensation-rates", "get",
              reader.get(f"{API}/parks/{park_id(conn)}/compensation-rates"))


def test_plan_creation_matches_its_openapi_schema(openapi_doc, planner):
    _validate(openapi_doc, "/plans", "post", create(planner, "文档", {"codes": ["NQ-04-01"]}))


def test_plan_deletion_matches_its_openapi_schema(openapi_doc, planner):
    made = ok(create(planner, "文档", {"codes": ["NQ-04-01"]}), 201)
    _validate(openapi_doc, "/plans/{plan_id}", "delete",
              planner.delete(f"{API}/plans/{made['id']}", json={"version": made["version"]}))
