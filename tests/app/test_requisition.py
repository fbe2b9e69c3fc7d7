"""Requisition plans (app/requisition.py) against the demo park in a real PostGIS.

Every number is checked against an independent computation: areas straight from
PostGIS (ST_Area of the GK geometry), money from the rate table with Decimal arithmetic
written out here, not by calling the module's own helpers.
"""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal

import psycopg
import pytest
import shapely

from app import requisition
from app.errors import BadRequest, Conflict, NotFound, Unprocessable
from app.plan_result import PlanResult
from tests.client import api_error, csrf_token, login

DEMO_PLAN = "北区2026年度第一批次城镇建设用地征收方案"
MU = Decimal(10000) / Decimal(15)


def fen(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture
def plan(conn) -> dict:
    row = conn.execute("SELECT id FROM requisition_plans WHERE name = %s", (DEMO_PLAN,)).fetchone()
    return requisition.get(conn, row["id"])


def park_id(conn) -> int:
    return conn.execute("SELECT id FROM parks WHERE code = 'JSCY'").fetchone()["id"]


def gk_areas(conn, codes, snapped: bool = True) -> dict[str, float]:
    """GK areas from PostGIS; by default of the geometry on the 0.1 mm grid the 报批坐标
    file is written on (the areas a plan reports)."""
    grid = "ST_SnapToGrid(geom_gk, 0.0001)" if snapped else "geom_gk"
    rows = conn.execute(f"SELECT code, ST_Area({grid}) AS a FROM plots WHERE code = ANY(%s)",
                        (list(codes),)).fetchall()
    return {r["code"]: r["a"] for r in rows}


# --- the demo plan ------------------------------------------------------------------

def test_demo_plan_areas_match_postgis_and_requisitioned_plot_is_left_out(conn, plan):
    result = requisition.compute(conn, plan["id"])
    codes = [p.code for p in result.plots]
    assert len(codes) == 21 and "NQ-10-01" not in codes
    assert [(e.code, e.reason, str(e.since)) for e in result.excluded] == [
        ("NQ-10-01", "requisitioned", "2025-12-28")]
    areas = gk_areas(conn, codes)
    stored = gk_areas(conn, codes, snapped=False)
    for p in result.plots:
        assert p.area_m2 == pytest.approx(areas[p.code], abs=1e-6)
        assert p.geometry.area == pytest.approx(areas[p.code], abs=1e-6)
        assert p.area_m2 == pytest.approx(stored[p.code], abs=0.05)  # 0.1 mm grid
    assert result.area_m2 == pytest.approx(sum(areas.values()), abs=0.01)
    assert result.area_mu == pytest.approx(sum(areas.values()) * 15 / 10000, abs=1e-6)
    assert sum(r.area_m2 for r in result.by_land_group) == pytest.approx(result.area_m2)
    assert sum(r.area_m2 for r in result.by_land_class) == pytest.approx(result.area_m2)
    assert sum(r.area_m2 for r in result.by_owner) == pytest.approx(result.area_m2)
    assert result.gk_zone == 38 and result.gk_epsg == 4526


def test_cultivated_land_is_counted_inside_farmland(conn, plan):
    result = requisition.compute(conn, plan["id"])
    rows = conn.execute(
        "SELECT lc.land_group, sum(ST_Area(ST_SnapToGrid(p.geom_gk, 0.0001))) AS a FROM plots p "
        "JOIN land_classes lc ON lc.code = p.land_class WHERE p.code = ANY(%s) "
        "GROUP BY 1", ([p.code for p in result.plots],)).fetchall()
    expected = {r["land_group"]: r["a"] for r in rows}
    got = {r.land_group: r.area_m2 for r in result.by_land_group}
    for group, area in expected.items():
        assert got[group] == pytest.approx(area, abs=0.01)
    assert result.farmland_m2 == pytest.approx(
        expected.get("cultivated", 0) + expected.get("agricultural", 0), abs=0.01)
    assert got["cultivated"] > 0


def expected_compensation(conn, code: str) -> dict[str, Decimal]:
    """Hand computation: split the plot by price-zone polygons, price each piece."""
    plot = conn.execute(
        "SELECT p.*, lc.land_group, ST_Area(ST_SnapToGrid(p.geom_gk, 0.0001)) AS plan_area "
        "FROM plots p JOIN land_classes lc ON lc.code = p.land_class "
        "WHERE p.code = %s", (code,)).fetchone()
    pieces = conn.execute(
        "SELECT z.code, ST_Area(ST_Intersection(p.geom_gk, z.geom_gk)) AS a "
        "FROM plots p JOIN price_zones z ON ST_Intersects(p.geom_gk, z.geom_gk) "
        "WHERE p.code = %s ORDER BY z.code", (code,)).fetchall()
    pieces = [x for x in pieces if x["a"] >= 0.01]
    whole = sum(x["a"] for x in pieces)
    totals = dict.fromkeys(("land", "crops", "houses", "social_security"), Decimal(0))
    for x in pieces:
        rate = conn.execute(
            "SELECT * FROM compensation_rates WHERE price_zone = %s AND land_group = %s",
            (x["code"], plot["land_group"])).fetchone()
        area = plot["plan_area"] * x["a"] / whole
        mu = Decimal(repr(area)) / MU
        crop = rate["special_crop_yuan_mu"] if plot["special_crop"] else rate["crop_yuan_mu"]
        totals["land"] += mu * rate["land_price_yuan_mu"]
        totals["crops"] += mu * crop
        totals["social_security"] += mu * rate["social_security_yuan_mu"]
        totals["houses"] += (Decimal(repr(plot["house_floor_area_m2"]))
                             * Decimal(repr(x["a"] / whole)) * rate["house_yuan_m2"])
    return {k: fen(v) for k, v in totals.items()}


@pytest.mark.parametrize("code", [
    "NQ-01-01",   # orchard with a special crop
    "NQ-01-03",   # homestead with houses
    "NQ-04-06",   # split between price zones II and III
    "NQ-04-07",   # split the other way
    "NQ-04-01",   # paddy field (cultivated)
])
def test_compensation_matches_a_hand_computation_to_the_fen(conn, plan, code):
    result = requisition.compute(conn, plan["id"])
    plot = next(p for p in result.plots if p.code == code)
    want = expected_compensation(conn, code)
    got = plot.compensation
    # the hand computation may differ from the module's by float noise below a fen
    for key, value in want.items():
        assert abs(getattr(got, key) - value) <= Decimal("0.01"), key
    assert got.total == got.land + got.crops + got.houses + got.social_security


def test_a_plot_in_two_price_zones_is_split_by_area(conn, plan):
    result = requisition.compute(conn, plan["id"])
    plot = next(p for p in result.plots if p.code == "NQ-04-06")
    assert [x.price_zone for x in plot.pieces] == ["II", "III"]
    assert sum(x.area_m2 for x in plot.pieces) == pytest.approx(plot.area_m2, abs=1e-6)
    inter = {r["code"]: r["a"] for r in conn.execute(
        "SELECT z.code, ST_Area(ST_Intersection(p.geom_gk, z.geom_gk)) AS a FROM plots p "
        "JOIN price_zones z ON ST_Intersects(p.geom_gk, z.geom_gk) WHERE p.code = 'NQ-04-06'")}
    assert plot.pieces[1].area_m2 == pytest.approx(inter["III"], abs=0.01)
    assert plot.price_zones == "II/III"


def test_state_land_is_in_the_plan_but_owes_nothing(conn, plan):
    result = requisition.compute(conn, plan["id"])
    state = next(p for p in result.plots if p.code == "SQ-02-02")
    assert state.owner_type == "state" and not state.needs_requisition
    assert state.compensation.total == 0
    owner = next(o for o in result.by_owner if o.owner_type == "state")
    assert owner.area_m2 == pytest.approx(state.area_m2)
    assert result.requisition_area_m2 == pytest.approx(result.area_m2 - state.area_m2)
    # collectives first, state land last
    assert result.by_owner[-1].owner_type == "state"


def test_owner_and_plan_totals_are_sums_of_rounded_plot_amounts(conn, plan):
    result = requisition.compute(conn, plan["id"])
    for owner in result.by_owner:
        mine = [p for p in result.plots if p.owner == owner.owner]
        assert owner.compensation.total == sum(p.compensation.total for p in mine)
    assert result.compensation.total == sum(p.compensation.total for p in result.plots)
    assert result.compensation.total == sum(o.compensation.total for o in result.by_owner)


def test_frozen_json_round_trips_to_an_equal_result(conn, plan):
    result = requisition.compute(conn, plan["id"])
    again = PlanResult.from_json(result.to_json())
    assert again == result
    assert again.compensation == result.compensation
    assert again.boundary_points == result.boundary_points


def test_a_multipart_plot_and_a_holed_plot_keep_their_parts_and_holes(conn, plan):
    # cut a 2 m strip through NQ-04-02: two parts, inside the old outline (no overlap)
    conn.execute("""
        UPDATE plots SET geom = ST_Multi(ST_Difference(geom, ST_Transform(ST_Buffer(
          ST_MakeLine(ST_Translate(ST_Centroid(geom_gk), 0, -2000),
                      ST_Translate(ST_Centroid(geom_gk), 0, 2000)), 1), 4490)))
        WHERE code = 'NQ-04-02'""")
    result = requisition.compute(conn, plan["id"])
    multi = next(p for p in result.plots if p.code == "NQ-04-02")
    holed = next(p for p in result.plots if p.code == "NQ-03-02")
    assert len(multi.geometry.geoms) == 2
    assert any(len(g.interiors) for g in holed.geometry.geoms)
    assert multi.area_m2 == pytest.approx(gk_areas(conn, ["NQ-04-02"])["NQ-04-02"], abs=0.005)
    rings = {p.ring for p in result.boundary_points if p.plot_code == "NQ-04-02"}
    assert rings == {1, 2}
    hole_rings = {p.ring for p in result.boundary_points if p.plot_code == "NQ-03-02"}
    assert hole_rings == {1, 2}


# --- choosing plots -----------------------------------------------------------------

def test_create_by_zone_project_codes_and_polygon(conn):
    pid = park_id(conn)
    zone = requisition.create(conn, pid, "按分区", {"zone": "SQ"}, "pytest")
    n_zone = conn.execute("SELECT count(*) AS n FROM plots p JOIN zones z ON z.id = p.zone_id "
                          "WHERE z.code = 'SQ'").fetchone()["n"]
    assert zone["versions"][0]["plot_count"] == n_zone > 0

    project = conn.execute("SELECT project_id, count(*) AS n FROM project_plots GROUP BY 1 "
                           "ORDER BY 2 DESC LIMIT 1").fetchone()
    made = requisition.create(conn, pid, "按项目", {"project": project["project_id"]}, "pytest")
    assert made["versions"][0]["plot_count"] == project["n"]

    codes = requisition.create(conn, pid, "按编号", {"codes": "NQ-04-01, NQ-04-02，NQ-04-03"},
                               "pytest")
    assert codes["versions"][0]["plot_count"] == 3

    # a polygon that covers NQ-04-01 and barely touches its neighbours
    polygon = json.loads(conn.execute(
        "SELECT ST_AsGeoJSON(ST_Transform(ST_Buffer(geom_gk, 3), 4490)) AS g "
        "FROM plots WHERE code = 'NQ-04-01'").fetchone()["g"])
    drawn = requisition.create(conn, pid, "画多边形", {"polygon": polygon}, "pytest")
    assert [f["properties"]["code"] for f in requisition.plots_geojson(
        conn, drawn["id"])["features"]] == ["NQ-04-01"]


@pytest.mark.parametrize(("selection", "message"), [
    ({"codes": ["NQ-04-01", "NO-SUCH-1"]}, "NO-SUCH-1"),
    ({"zone": "XX"}, "zone XX selects no plot"),
    ({}, "exactly one of"),
    ({"zone": "SQ", "codes": ["NQ-04-01"]}, "exactly one of"),
    ({"project": "abc"}, "project id"),
    ({"polygon": {"type": "Point", "coordinates": [113, 29]}}, "GeoJSON Polygon"),
    ({"parcel": 1}, "unknown selection keys"),
    ("NQ-04-01", "must be an object"),
])
def test_bad_selections_are_refused_with_the_reason(conn, selection, message):
    before = conn.execute("SELECT count(*) AS n FROM requisition_plans").fetchone()["n"]
    with pytest.raises(BadRequest, match=message):
        requisition.create(conn, park_id(conn), "坏的选择", selection, "pytest")
    after = conn.execute("SELECT count(*) AS n FROM requisition_plans").fetchone()["n"]
    assert after == before  # nothing half-written


def test_names_are_required_and_unique_per_park(conn):
    with pytest.raises(BadRequest, match="needs a name"):
        requisition.create(conn, park_id(conn), "  ", {"codes": ["NQ-04-01"]}, "pytest")
    with pytest.raises(Conflict, match="already has a plan"):
        requisition.create(conn, park_id(conn), DEMO_PLAN, {"codes": ["NQ-04-01"]}, "pytest")


# --- versions -----------------------------------------------------------------------

def test_submit_freezes_and_an_edit_starts_a_new_version(conn, plan):
    v1 = requisition.compute(conn, plan["id"])
    submitted = requisition.submit(conn, plan["id"], plan["version"], "planner-a")
    assert submitted["status"] == "submitted"
    assert submitted["versions"][0]["submitted_by"] == "planner-a"

    # the land changes after submission: version 1 must still export as it was
    conn.execute("UPDATE plots SET owner = '改过的村', house_floor_area_m2 = 9999, "
                 "geom = ST_Multi(ST_Buffer(geom, -0.00001)) WHERE code = 'NQ-04-01'")
    conn.execute("UPDATE compensation_rates SET land_price_yuan_mu = land_price_yuan_mu + 1000")
    frozen = requisition.compute(conn, plan["id"], 1)
    assert frozen.status == "submitted"
    assert frozen.area_m2 == v1.area_m2 and frozen.compensation == v1.compensation
    assert [p.owner for p in frozen.plots] == [p.owner for p in v1.plots]

    edited = requisition.edit(conn, plan["id"], submitted["version"], actor="planner-b",
                              remove=["NQ-04-01"])
    assert edited["current_version"] == 2 and edited["status"] == "draft"
    assert [v["status"] for v in edited["versions"]] == ["submitted", "draft"]
    v2 = requisition.compute(conn, plan["id"])
    assert "NQ-04-01" not in [p.code for p in v2.plots]
    assert v2.version == 2 and v2.author == "planner-b"
    assert v2.compensation.land > 0
    # and version 1 is still the same
    assert requisition.compute(conn, plan["id"], 1).compensation == v1.compensation


def test_frozen_versions_cannot_be_changed_even_in_sql(conn, plan):
    requisition.submit(conn, plan["id"], plan["version"], "pytest")
    with pytest.raises(psycopg.errors.CheckViolation, match="cannot change"):
        conn.execute("DELETE FROM plan_plots WHERE plan_id = %s", (plan["id"],))
    with pytest.raises(psycopg.errors.CheckViolation, match="cannot change"):
        conn.execute("UPDATE plan_versions SET result = '{}' WHERE plan_id = %s", (plan["id"],))
    # deleting a plot keeps the frozen version's row (without the link)
    conn.execute("DELETE FROM plots WHERE code = 'NQ-04-03'")
    kept = conn.execute("SELECT snapshot ->> 'code' AS code FROM plan_plots WHERE plan_id = %s "
                        "AND plot_id IS NULL", (plan["id"],)).fetchall()
    assert [r["code"] for r in kept] == ["NQ-04-03"]
    assert "NQ-04-03" in [p.code for p in requisition.compute(conn, plan["id"], 1).plots]


def test_approval_needs_a_submitted_plan_and_the_version_read(conn, plan):
    with pytest.raises(Conflict, match="only a submitted plan"):
        requisition.approve(conn, plan["id"], plan["version"], "admin")
    submitted = requisition.submit(conn, plan["id"], plan["version"], "pytest")
    with pytest.raises(Conflict, match="changed by someone else"):
        requisition.approve(conn, plan["id"], plan["version"], "admin")  # stale version
    approved = requisition.approve(conn, plan["id"], submitted["version"], "admin")
    assert approved["status"] == "approved"
    assert approved["versions"][0]["approved_by"] == "admin"
    assert requisition.compute(conn, plan["id"]).status == "approved"
    with pytest.raises(Conflict, match="already"):
        requisition.submit(conn, plan["id"], approved["version"], "pytest")


def test_only_never_submitted_plans_can_be_deleted(conn, plan):
    made = requisition.create(conn, park_id(conn), "临时方案", {"codes": ["NQ-05-08"]}, "pytest")
    requisition.delete(conn, made["id"], made["version"])
    with pytest.raises(NotFound):
        requisition.get(conn, made["id"])
    submitted = requisition.submit(conn, plan["id"], plan["version"], "pytest")
    with pytest.raises(Conflict, match="cannot be deleted"):
        requisition.delete(conn, plan["id"], submitted["version"])


def test_unknown_plan_and_version_are_not_found(conn, plan):
    with pytest.raises(NotFound):
        requisition.compute(conn, 999999)
    with pytest.raises(NotFound, match="no version 7"):
        requisition.compute(conn, plan["id"], 7)


# --- checks -------------------------------------------------------------------------

def test_overlapping_plots_are_refused_with_both_codes(conn, plan):
    # grow NQ-04-01 by 5 m: it now overlaps its neighbours in the plan (data kept from before
    # the overlap rule: the park's tolerance, editing.max_overlap_m2, lets it through)
    conn.execute("UPDATE parks SET settings = jsonb_set(settings, '{editing}', "
                 "'{\"max_overlap_m2\": 1e9}');"
                 "UPDATE plots SET geom = ST_Multi(ST_Transform(ST_Buffer(geom_gk, 5), 4490)) "
                 "WHERE code = 'NQ-04-01'")
    problems = requisition.check(conn, plan["id"])
    overlaps = [p for p in problems if p["kind"] == "overlap"]
    assert all(str(p["problem"]).startswith(f"overlaps {p['other']} by ") for p in overlaps)
    assert overlaps and all("NQ-04-01" in (p["code"], p["other"]) for p in overlaps)
    with pytest.raises(Unprocessable, match="overlaps") as caught:
        requisition.compute(conn, plan["id"])
    assert caught.value.status == 422
    assert caught.value.details["problems"] == problems
    with pytest.raises(Unprocessable):
        requisition.submit(conn, plan["id"], plan["version"], "pytest")
    assert requisition.get(conn, plan["id"])["status"] == "draft"  # nothing half-written


def test_plots_of_another_park_and_invalid_geometry_are_refused(conn, plan):
    other = conn.execute("INSERT INTO parks (code, name, gk_zone) VALUES ('OTHER', '别的园区', 38) "
                         "RETURNING id").fetchone()["id"]
    conn.execute("UPDATE plots SET park_id = %s WHERE code = 'NQ-04-04'", (other,))
    # a bow-tie can only get in with the geometry checks off (an old, broken row)
    conn.execute("ALTER TABLE plots DISABLE TRIGGER USER")
    conn.execute("""UPDATE plots SET geom_gk = ST_SetSRID(
        'MULTIPOLYGON(((38400000 3256000, 38400100 3256100, 38400100 3256000,
                        38400000 3256100, 38400000 3256000)))'::geometry, 4526)
        WHERE code = 'NQ-05-01'""")
    conn.execute("ALTER TABLE plots ENABLE TRIGGER USER")
    problems = {(p["code"], str(p["problem"]).split(":")[0])
                for p in requisition.check(conn, plan["id"])}
    assert ("NQ-04-04", "belongs to another park") in problems
    assert ("NQ-05-01", "invalid geometry") in problems


def test_a_missing_price_zone_or_rate_is_named(conn, plan):
    conn.execute("DELETE FROM compensation_rates WHERE price_zone = 'III' "
                 "AND land_group = 'cultivated'")
    problems = requisition.check(conn, plan["id"])
    assert any(p["code"] == "NQ-05-01" and "price zone III and land group Cultivated land"
               in str(p["problem"]) for p in problems)
    conn.execute("DELETE FROM price_zones")
    conn.execute("UPDATE plots SET price_zone = NULL WHERE code = 'NQ-04-01'")
    problems = requisition.check(conn, plan["id"])
    assert {("NQ-04-01", "no_price_zone", "lies in no price zone")} <= {
        (p["code"], p["kind"], str(p["problem"])) for p in problems}


def test_a_plan_whose_plots_are_all_requisitioned_is_refused(conn):
    made = requisition.create(conn, park_id(conn), "都已征收", {"codes": ["NQ-10-01"]}, "pytest")
    with pytest.raises(Unprocessable, match="no plot left to requisition"):
        requisition.compute(conn, made["id"])


# --- rates --------------------------------------------------------------------------

def test_an_admin_rate_change_is_used_audited_and_checked(conn, plan):
    rate = conn.execute("SELECT * FROM compensation_rates WHERE price_zone = 'II' "
                        "AND land_group = 'cultivated'").fetchone()
    before = requisition.compute(conn, plan["id"])
    values = {f: str(rate[f]) for f in requisition.RATE_FIELDS}
    values["land_price_yuan_mu"] = str(rate["land_price_yuan_mu"] + Decimal("1500.50"))
    changed = requisition.update_rate(conn, rate["id"], rate["version"], values)
    assert changed["version"] == rate["version"] + 1
    after = requisition.compute(conn, plan["id"])
    touched = [p for p in after.plots if p.land_group == "cultivated"
               and "II" in p.price_zones.split("/")]
    assert touched and after.compensation.land > before.compensation.land
    audit = conn.execute("SELECT actor, before, after FROM audit_log WHERE table_name = "
                         "'compensation_rates' AND action = 'update' ORDER BY at DESC LIMIT 1"
                         ).fetchone()
    assert audit["actor"] == "pytest"
    assert Decimal(str(audit["after"]["land_price_yuan_mu"])) == \
        rate["land_price_yuan_mu"] + Decimal("1500.50")
    with pytest.raises(Conflict, match="changed by someone else"):
        requisition.update_rate(conn, rate["id"], rate["version"], values)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("land_price_yuan_mu", "-1", "from 0 to"),
    ("crop_yuan_mu", "abc", "must be a number"),
    ("house_yuan_m2", "12.345", "more than two decimals"),
    ("social_security_yuan_mu", "NaN", "from 0 to"),
])
def test_bad_rates_are_refused(conn, field, value, message):
    rate = conn.execute("SELECT * FROM compensation_rates LIMIT 1").fetchone()
    values = {f: str(rate[f]) for f in requisition.RATE_FIELDS} | {field: value}
    with pytest.raises(BadRequest, match=message):
        requisition.update_rate(conn, rate["id"], rate["version"], values)


def test_the_boundary_points_follow_the_geometry(conn, plan):
    result = requisition.compute(conn, plan["id"])
    plot = result.plots[0]
    points = [p for p in result.boundary_points if p.plot_code == plot.code and p.ring == 1]
    ring = shapely.Polygon([(p.y, p.x) for p in points])
    assert ring.area == pytest.approx(plot.geometry.geoms[0].exterior.convex_hull.area, rel=0.2)
    assert points[0].name == "J1"
    assert sum(p.side_m for p in points) == pytest.approx(
        plot.geometry.geoms[0].exterior.length, abs=1e-6)


def test_an_unchanged_name_is_no_edit(conn, plan):
    same = requisition.edit(conn, plan["id"], plan["version"], actor="pytest", name=DEMO_PLAN)
    assert same["version"] == plan["version"]
    renamed = requisition.edit(conn, plan["id"], plan["version"], actor="pytest",
                               name=" 改名后的方案 ")
    assert renamed["name"] == "改名后的方案" and renamed["version"] == plan["version"] + 1


# --- plan checks: the same land in two open plans (issue 11) -------------------------------

IN_DEMO_PLAN = "NQ-04-01"
NOT_IN_DEMO_PLAN = "NQ-05-08"


def _doubles(problems: list[dict]) -> list[tuple]:
    return [(p["code"], p["other_plan"]["id"], p["other_plan"]["status"])
            for p in problems if p["kind"] == "in_other_plan"]


def test_a_plot_in_another_open_plan_is_a_problem_that_blocks_submit(conn, plan):
    other = requisition.create(conn, park_id(conn), "第二个方案",
                               {"codes": [IN_DEMO_PLAN, NOT_IN_DEMO_PLAN]}, "pytest")
    # at create, both ways round, naming the plot and the other plan
    assert _doubles(other["problems"]) == [(IN_DEMO_PLAN, plan["id"], "draft")]
    problem = next(p for p in other["problems"] if p["kind"] == "in_other_plan")
    assert problem["other_plan"] == {"id": plan["id"], "name": DEMO_PLAN, "status": "draft",
                                     "version": 1}
    assert DEMO_PLAN in problem["problem"].translate(lambda s: s)
    assert _doubles(requisition.check(conn, plan["id"])) == [(IN_DEMO_PLAN, other["id"], "draft")]
    # the numbers and exports of the drafts are still computed ...
    assert IN_DEMO_PLAN in [p.code for p in requisition.compute(conn, other["id"]).plots]
    # ... but neither plan is submitted while the plot is in both
    for p in (plan, requisition.get(conn, other["id"])):
        with pytest.raises(Unprocessable) as refused:
            requisition.submit(conn, p["id"], p["version"], "pytest")
        assert refused.value.code == "plan_in_other_plan"
        assert IN_DEMO_PLAN in refused.value.message
        assert _doubles(refused.value.details["problems"])
    assert requisition.get(conn, plan["id"])["status"] == "draft"
    # taking the plot out of one plan clears both
    edited = requisition.edit(conn, other["id"], other["version"], actor="pytest",
                              remove=[IN_DEMO_PLAN])
    assert _doubles(edited["problems"]) == []
    assert _doubles(requisition.check(conn, plan["id"])) == []
    submitted = requisition.submit(conn, other["id"], edited["version"], "pytest")
    assert submitted["status"] == "submitted"


def test_a_submitted_plan_is_not_approved_while_its_plot_is_in_another_draft(conn):
    first = requisition.create(conn, park_id(conn), "先报批的方案",
                               {"codes": [NOT_IN_DEMO_PLAN]}, "pytest")
    first = requisition.submit(conn, first["id"], first["version"], "pytest")
    second = requisition.create(conn, park_id(conn), "后建的草稿",
                                {"codes": [NOT_IN_DEMO_PLAN]}, "pytest")
    assert _doubles(second["problems"]) == [(NOT_IN_DEMO_PLAN, first["id"], "submitted")]
    # the submitted version's check names the draft: the reason approval is refused
    assert _doubles(requisition.check(conn, first["id"])) == [
        (NOT_IN_DEMO_PLAN, second["id"], "draft")]
    with pytest.raises(Unprocessable, match="cannot be approved") as refused:
        requisition.approve(conn, first["id"], first["version"], "pytest")
    assert refused.value.code == "plan_in_other_plan"
    # deleting the other draft clears it
    requisition.delete(conn, second["id"], second["version"])
    approved = requisition.approve(conn, first["id"], first["version"], "pytest")
    assert approved["status"] == "approved"
    assert requisition.check(conn, first["id"]) == []
    # an approved plan still holds its land until the plots' requisition is recorded
    third = requisition.create(conn, park_id(conn), "批准后又建的方案",
                               {"codes": [NOT_IN_DEMO_PLAN]}, "pytest")
    assert _doubles(third["problems"]) == [(NOT_IN_DEMO_PLAN, first["id"], "approved")]
    conn.execute("UPDATE plots SET requisitioned_on = park_today(park_id) WHERE code = %s",
                 [NOT_IN_DEMO_PLAN])
    assert _doubles(requisition.check(conn, third["id"])) == []
    # a plan's own versions never count against it
    again = requisition.new_version(conn, first["id"], approved["version"], "pytest")
    assert (again["status"], again["current_version"]) == ("draft", 2)
    assert _doubles(again["problems"]) == []
    with pytest.raises(Conflict, match="draft already"):
        requisition.new_version(conn, first["id"], again["version"], "pytest")


def test_the_double_plan_problem_in_the_api_and_on_the_page(client, conn, plan):
    login(client, "planner")
    headers = {"X-CSRFToken": csrf_token(client, "/")}
    made = client.post("/api/v1/plans?park=JSCY&lang=en", headers=headers, json={
        "name": "Second plan", "selection": {"codes": [IN_DEMO_PLAN]}})
    assert made.status_code == 201, made.get_data(as_text=True)
    made = made.get_json()
    problem = next(p for p in made["problems"] if p["kind"] == "in_other_plan")
    assert problem["code"] == IN_DEMO_PLAN and problem["other_plan"]["id"] == plan["id"]
    assert problem["problem"] == f"also in plan {DEMO_PLAN} (Draft, version 1)"
    check = client.get(f"/api/v1/plans/{plan['id']}/check?lang=zh").get_json()["problems"]
    assert [(p["code"], p["kind"], p["other_plan"]["name"]) for p in check] == [
        (IN_DEMO_PLAN, "in_other_plan", "Second plan")]
    assert "同时在方案“Second plan”中（草稿，第 1 版）" in check[0]["problem"]
    refused = client.post(f"/api/v1/plans/{made['id']}/submit", headers=headers,
                          json={"version": made["version"]})
    error = api_error(refused, 422)
    assert error["code"] == "plan_in_other_plan" and DEMO_PLAN in error["message"]
    page = client.get(f"/plans/{made['id']}").get_data(as_text=True)
    assert 'id="pa-plan-doubles"' in page and 'id="pa-plan-totals"' in page
    assert f'href="/plans/{plan["id"]}">{DEMO_PLAN}</a>' in page
    submit_form = page[page.index('id="pa-plan-submit"'):]
    assert re.search(r'<button class="btn btn-sm btn-success" type="submit"\s+disabled>',
                     submit_form[:submit_form.index("</form>")])
    # a viewer reads neither draft, nor their names
    viewer = login(client.application.test_client(), "viewer")
    assert viewer.get(f"/api/v1/plans/{made['id']}/check").status_code == 403
