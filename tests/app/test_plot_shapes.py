"""Geometry editing (issue 10 item 2): draw, split, merge, delete, the overlap rule, clip to
neighbours, lineage, claims and plan selections carried, roles and stale versions."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import psycopg
import pytest
from pyproj import Transformer

from tests.builders import GK_EPSG, Site, square
from tests.client import api_error, csrf_token, login

TO_LONLAT = Transformer.from_crs(GK_EPSG, 4490, always_xy=True)
API = "/api/v1"


def ring(points):
    return [list(TO_LONLAT.transform(x, y)) for x, y in points]


def polygon(*rings):
    return {"type": "Polygon", "coordinates": [ring(r) for r in rings]}


def line(*points):
    return {"type": "LineString", "coordinates": ring(points)}


def session(client, role: str):
    login(client, role)
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(client, "/")
    return client


@pytest.fixture
def planner(client):
    return session(client, "planner")


@pytest.fixture
def site(conn):
    return Site(conn)


def plot_row(conn, plot_id):
    return conn.execute("SELECT * FROM plots WHERE id = %s", (plot_id,)).fetchone()


def post(client, url, data, lang="zh"):
    """POST JSON in a language (?lang=, which the session keeps)."""
    mark = "&" if "?" in url else "?"
    return client.post(f"{API}{url}{mark}lang={lang}", json=data)


# --- split ---------------------------------------------------------------------------------

def test_split_children_areas_sum_to_the_parent_and_inherit_its_attributes(planner, conn, site):
    parent = site.plot(code="TS-09-12", land_class="0101", planned_use="100101", owner="甲村",
                       land_price=300.0, planned_investment=1000.0)
    version = plot_row(conn, parent.id)["version"]
    cut = line((parent.x0 + 37.3, parent.y0 - 5), (parent.x0 + 61.9, parent.y0 + 105))
    preview = post(planner, f"/plots/{parent.id}/split-preview", {"line": cut}).get_json()
    assert [p["code"] for p in preview["pieces"]] == ["TS-09-12-1", "TS-09-12-2"]
    response = post(planner, f"/plots/{parent.id}/split",
                    {"version": version, "line": cut, "codes": ["TS-09-12A", "TS-09-12B"]})
    assert response.status_code == 201, response.get_data(as_text=True)
    kids = response.get_json()["features"]
    assert [k["properties"]["code"] for k in kids] == ["TS-09-12A", "TS-09-12B"]
    areas = [k["properties"]["area_m2"] for k in kids]
    assert abs(sum(areas) - parent.area_m2) < 0.01
    for kid in kids:
        row = plot_row(conn, kid["properties"]["id"])
        share = row["area_m2"] / parent.area_m2
        assert (row["land_class"], row["planned_use"], row["owner"]) == ("0101", "100101", "甲村")
        assert row["land_price"] == pytest.approx(300.0 * share, abs=1e-5)
        assert row["planned_investment"] == pytest.approx(1000.0 * share, abs=1e-5)
        # status and readiness computed in the same transaction
        assert conn.execute("SELECT 1 FROM plot_status WHERE plot_id = %s",
                            (row["id"],)).fetchone()
    assert plot_row(conn, parent.id) is None
    assert conn.execute("SELECT 1 FROM plot_status WHERE plot_id = %s",
                        (parent.id,)).fetchone() is None
    assert planner.get(f"{API}/plots/{parent.id}").status_code == 404
    lineage = planner.get(f"{API}/plots/{kids[0]['properties']['id']}/lineage").get_json()
    assert [(p["id"], p["code"], p["kind"]) for p in lineage["parents"]] == \
        [(parent.id, "TS-09-12", "split")]
    assert lineage["parents"][0]["done_by"] == "test-planner"
    retired = planner.get(f"{API}/plots/retired/{parent.id}").get_json()
    assert retired["code"] == "TS-09-12" and retired["snapshot"]["owner"] == "甲村"
    assert {c["code"] for c in retired["lineage"]["children"]} == {"TS-09-12A", "TS-09-12B"}
    assert all(c["live"] for c in retired["lineage"]["children"])



def test_lineage_times_are_the_parks_wall_clock(planner, conn, site):
    """A split done at 23:30 UTC shows on the pages at 07:30 the next day in Beijing (the
    park's zone), whatever the database session's zone; the API keeps the instant."""
    parent = site.plot(code="TS-TZ-1")
    cut = line((parent.x0 + 50, parent.y0 - 5), (parent.x0 + 50, parent.y0 + 105))
    response = post(planner, f"/plots/{parent.id}/split",
                    {"version": plot_row(conn, parent.id)["version"], "line": cut})
    assert response.status_code == 201, response.get_data(as_text=True)
    conn.execute("UPDATE plot_operations SET done_at = '2026-03-01 23:30:00+00' WHERE id = "
                 "(SELECT operation_id FROM retired_plots WHERE id = %s)", (parent.id,))
    conn.commit()
    kid = response.get_json()["features"][0]["properties"]["id"]
    for page in (f"/plots/retired/{parent.id}", f"/plots/{kid}"):
        html = planner.get(page).get_data(as_text=True)
        assert "2026-03-02 07:30" in html and "2026-03-01 23:30" not in html, page
    instant = planner.get(f"{API}/plots/{kid}/lineage").get_json()["parents"][0]["done_at"]
    assert datetime.fromisoformat(instant) == datetime(2026, 3, 1, 23, 30, tzinfo=UTC)


def test_split_of_a_multipart_plot_with_a_hole_keeps_the_area(planner, conn, site):
    x0, y0 = site.next_slot()
    shape = {"type": "MultiPolygon", "coordinates": [
        [ring(square(x0, y0, 100)), ring(square(x0 + 40, y0 + 40, 20))[::-1]],
        [ring(square(x0 + 150, y0, 50))]]}
    parent_id = conn.execute(
        "INSERT INTO plots (park_id, code, geom) VALUES (%s, 'HOLE-1', "
        "ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(%s), 4490))) RETURNING id",
        (site.park, json.dumps(shape))).fetchone()["id"]
    parent = plot_row(conn, parent_id)
    assert parent["area_m2"] == pytest.approx(100 * 100 - 20 * 20 + 50 * 50, abs=0.01)
    cut = line((x0 + 50, y0 - 10), (x0 + 50, y0 + 110))  # through the hole
    response = post(planner, f"/plots/{parent_id}/split",
                    {"version": parent["version"], "line": cut})
    assert response.status_code == 201, response.get_data(as_text=True)
    kids = response.get_json()["features"]
    assert len(kids) == 3  # west and east halves of the holed part, the part it missed
    assert sorted(k["properties"]["code"] for k in kids) == ["HOLE-1-1", "HOLE-1-2", "HOLE-1-3"]
    assert abs(sum(k["properties"]["area_m2"] for k in kids) - parent["area_m2"]) < 0.01


def test_a_line_that_does_not_cross_the_plot_is_refused(planner, conn, site):
    plot = site.plot(code="MISS-1")
    version = plot_row(conn, plot.id)["version"]
    short = line((plot.x0 + 20, plot.y0 - 10), (plot.x0 + 20, plot.y0 + 50))  # ends inside
    for url, data in ((f"/plots/{plot.id}/split-preview", {"line": short}),
                      (f"/plots/{plot.id}/split", {"version": version, "line": short})):
        error = api_error(post(planner, url, data), 400)
        assert error["code"] == "split_misses"
        assert "MISS-1" in error["message"] and "画" in error["message"]
    error = api_error(post(planner, f"/plots/{plot.id}/split",
                           {"version": version, "line": short}, lang="en"), 400)
    assert "does not cut the plot" in error["message"]
    assert plot_row(conn, plot.id)["version"] == version


# --- merge ---------------------------------------------------------------------------------

def test_merge_adjacent_plots_carries_claims_and_draft_plan_selections(planner, conn, site):
    x0, y0 = site.next_slot()
    west = site.plot(at=(x0, y0), code="MG-1", land_price=100.0, owner="西村")
    east = site.plot(at=(x0 + 100, y0), code="MG-2", land_price=50.0)
    whole = site.project("3971", plots=[west])
    part = site.project("3971", plots=[east], claims=[2500.0])
    plan = post(planner, "/plans?park=JSCY",
                {"name": "merge plan", "selection": {"codes": ["MG-1"]}})
    assert plan.status_code == 201, plan.get_data(as_text=True)
    plan_id = plan.get_json()["id"]
    response = post(planner, "/plots/merge", {"code": "MG-1", "plots": [
        {"id": west.id, "version": plot_row(conn, west.id)["version"]},
        {"id": east.id, "version": plot_row(conn, east.id)["version"]}]})
    assert response.status_code == 201, response.get_data(as_text=True)
    merged = response.get_json()["properties"]
    assert merged["code"] == "MG-1"
    assert merged["area_m2"] == pytest.approx(west.area_m2 + east.area_m2, abs=0.01)
    row = plot_row(conn, merged["id"])
    assert row["land_price"] == pytest.approx(150.0) and row["owner"] == "西村"
    claims = {r["project_id"]: r["claimed_area_m2"] for r in conn.execute(
        "SELECT project_id, claimed_area_m2 FROM project_plots WHERE plot_id = %s",
        (merged["id"],))}
    assert claims[whole] == pytest.approx(west.area_m2, abs=0.01)
    assert claims[part] == pytest.approx(2500.0, abs=0.01)
    in_plan = conn.execute("SELECT plot_id FROM plan_plots WHERE plan_id = %s",
                           (plan_id,)).fetchall()
    assert [r["plot_id"] for r in in_plan] == [merged["id"]]
    lineage = planner.get(f"{API}/plots/{merged['id']}/lineage").get_json()
    assert {p["code"] for p in lineage["parents"]} == {"MG-1", "MG-2"}


def test_merging_plots_that_do_not_touch_is_refused_with_their_codes(planner, conn, site):
    x0, y0 = site.next_slot()
    a = site.plot(at=(x0, y0), code="AP-1", size=50)
    b = site.plot(at=(x0 + 50, y0), code="AP-2", size=50)
    c = site.plot(at=(x0 + 200, y0), code="AP-3", size=50)
    body = {"code": "AP-9", "plots": [{"id": p.id, "version": plot_row(conn, p.id)["version"]}
                                      for p in (a, b, c)]}
    error = api_error(post(planner, "/plots/merge", body), 400)
    assert error["code"] == "merge_apart"
    assert "AP-1" in error["message"] and "AP-3" in error["message"]
    assert "AP-2" not in error["details"]["apart"]
    assert all(plot_row(conn, p.id) for p in (a, b, c))


# --- the overlap rule and clip -------------------------------------------------------------

def test_a_drawn_plot_overlapping_another_is_refused_with_codes_and_area(planner, conn, site):
    other = site.plot(code="OV-1")
    shape = polygon(square(other.x0 + 90, other.y0 + 10, 50))  # 10 × 50 m over OV-1
    proposal = post(planner, "/plots/proposal?park=JSCY", {"geometry": shape}).get_json()
    assert proposal["overlaps"] == [{"id": other.id, "code": "OV-1", "area_m2": 500.0}]
    response = post(planner, "/plots?park=JSCY",
                    {"properties": {"code": "OV-2"}, "geometry": shape})
    error = api_error(response, 400)
    assert error["code"] == "plot_overlap"
    assert error["details"]["list"] == [{"code": "OV-1", "area_m2": 500.0}]
    assert "OV-1 (500.00 m²)" in error["message"] and "重叠" in error["message"]
    english = api_error(post(planner, "/plots?park=JSCY",
                             {"properties": {"code": "OV-2"}, "geometry": shape}, "en"), 400)
    assert english["message"].startswith("plot OV-2, field geometry: overlaps OV-1 (500.00 m²)")
    assert conn.execute("SELECT 1 FROM plots WHERE code = 'OV-2'").fetchone() is None
    clipped = post(planner, "/plots/clip?park=JSCY", {"geometry": shape}).get_json()
    assert clipped["area_m2"] == pytest.approx(40 * 50, abs=0.01)
    made = post(planner, "/plots?park=JSCY",
                {"properties": {"code": "OV-2"}, "geometry": clipped["geometry"]})
    assert made.status_code == 201, made.get_data(as_text=True)
    overlap = conn.execute(
        "SELECT ST_Area(ST_Intersection(a.geom_gk, b.geom_gk)) AS m2 FROM plots a, plots b "
        "WHERE a.code = 'OV-1' AND b.code = 'OV-2'").fetchone()["m2"]
    assert overlap < 0.01


def test_a_reshape_overlapping_a_neighbour_is_refused_then_clipped(planner, conn, site):
    x0, y0 = site.next_slot()
    a = site.plot(at=(x0, y0), code="RS-1")
    site.plot(at=(x0 + 100, y0), code="RS-2")
    version = plot_row(conn, a.id)["version"]
    grown = polygon(square(x0, y0, 130))
    response = planner.patch(f"{API}/plots/{a.id}", json={"version": version, "geometry": grown})
    error = api_error(response, 400)
    assert error["code"] == "plot_overlap" and "RS-2" in error["message"]
    assert plot_row(conn, a.id)["version"] == version
    clipped = post(planner, "/plots/clip?park=JSCY", {"geometry": grown, "except": [a.id]})
    geometry = clipped.get_json()["geometry"]
    response = planner.patch(f"{API}/plots/{a.id}", json={"version": version,
                                                          "geometry": geometry})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["properties"]["area_m2"] == pytest.approx(130 * 130 - 30 * 100,
                                                                       abs=0.01)


def test_clipping_a_corner_dragged_into_a_neighbour_gives_a_valid_shape(planner, conn, site):
    x0, y0 = site.next_slot()
    a = site.plot(at=(x0, y0), code="DR-1", size=60)
    site.plot(at=(x0 + 60, y0), code="DR-2", size=60)
    dragged = polygon([(x0, y0), (x0 + 60, y0), (x0 + 80, y0 + 60), (x0, y0 + 60), (x0, y0)])
    clipped = post(planner, "/plots/clip?park=JSCY", {"geometry": dragged, "except": [a.id]})
    assert clipped.status_code == 200, clipped.get_data(as_text=True)
    assert clipped.get_json()["area_m2"] == pytest.approx(3600, abs=0.01)
    response = planner.patch(f"{API}/plots/{a.id}", json={
        "version": plot_row(conn, a.id)["version"], "geometry": clipped.get_json()["geometry"]})
    assert response.status_code == 200, response.get_data(as_text=True)


def test_the_database_refuses_an_overlap_beyond_the_park_setting(conn, site):
    x0, y0 = site.next_slot()
    site.plot(at=(x0, y0), code="DB-1")
    site.plot(at=(x0 + 99.99, y0), code="DB-2")  # 0.01 × 100 = 1 m²: the tolerance
    with pytest.raises(psycopg.errors.CheckViolation) as refused:
        site.plot(at=(x0 + 99.9, y0 + 200), code="DB-3")  # fine: far away
        site.plot(at=(x0 + 99.98, y0), code="DB-4")  # 2 m² over DB-1
    assert refused.value.diag.constraint_name == "plots_overlap"
    assert json.loads(refused.value.diag.message_detail)["code"] == "DB-4"
    conn.execute("UPDATE parks SET settings = jsonb_set(settings, '{editing}', "
                 "'{\"max_overlap_m2\": 5}') WHERE id = %s", (site.park,))
    site.plot(at=(x0 + 99.98, y0 + 400), code="DB-5")
    site.plot(at=(x0 + 99.98 - 100, y0 + 400), code="DB-6")


def test_demo_park_has_no_overlap_beyond_the_tolerance(conn):
    found = conn.execute(
        "SELECT count(*) AS n FROM plots a JOIN plots b ON a.id < b.id AND a.park_id = b.park_id "
        "AND ST_Intersects(a.geom_gk, b.geom_gk) "
        "WHERE ST_Area(ST_Intersection(a.geom_gk, b.geom_gk)) > max_overlap_m2(a.park_id)"
    ).fetchone()["n"]
    assert found == 0


# --- draw ----------------------------------------------------------------------------------

def test_a_planner_draws_a_plot_with_a_proposed_code_and_zone(planner, conn):
    near = conn.execute(
        "SELECT p.id, p.code, p.zone_id, ST_XMax(p.geom_gk) AS x, ST_YMin(p.geom_gk) AS y "
        "FROM plots p WHERE p.code ~ '-[0-9]+$' AND p.zone_id IS NOT NULL ORDER BY p.id LIMIT 1"
    ).fetchone()
    free = conn.execute(
        "SELECT ST_X(c) AS x, ST_Y(c) AS y FROM (SELECT ST_Centroid(z.geom_gk) AS c FROM zones z "
        "WHERE z.id = %s) s", (near["zone_id"],)).fetchone()
    # a small square somewhere in the zone where no plot is: walk until free
    spot = None
    for dx in range(0, 2000, 40):
        candidate = square(free["x"] + dx, free["y"], 10)
        wkt = "POLYGON((" + ", ".join(f"{x} {y}" for x, y in candidate) + "))"
        taken = conn.execute(f"SELECT 1 FROM plots WHERE ST_Intersects(geom_gk, ST_GeomFromText("
                             f"'{wkt}', {GK_EPSG}))").fetchone()
        if not taken:
            spot = candidate
            break
    assert spot
    shape = polygon(spot)
    proposal = post(planner, "/plots/proposal?park=JSCY", {"geometry": shape}).get_json()
    block, number = proposal["code"].rsplit("-", 1)
    highest = conn.execute(
        "SELECT max(substring(code FROM '-([0-9]+)$')::int) AS n FROM plots "
        "WHERE code LIKE %s", (block + "-%",)).fetchone()["n"]
    assert int(number) == highest + 1 and proposal["zone_id"] and proposal["zone_name"]
    assert proposal["area_m2"] == pytest.approx(100, abs=0.01) and proposal["overlaps"] == []
    response = post(planner, "/plots?park=JSCY", {"properties": {
        "code": proposal["code"], "name": "新地块", "zone_id": proposal["zone_id"],
        "land_class": "0101", "planned_use": "100101"}, "geometry": shape})
    assert response.status_code == 201, response.get_data(as_text=True)
    made = response.get_json()["properties"]
    assert made["code"] == proposal["code"] and made["area_m2"] == pytest.approx(100, abs=0.01)
    assert made["status"] is not None
    again = post(planner, "/plots?park=JSCY", {"properties": {"code": proposal["code"]},
                                              "geometry": polygon(square(0, 0, 1))})
    assert again.status_code == 400  # invalid spot; the code itself is checked below
    duplicate = post(planner, "/plots?park=JSCY", {"properties": {"code": near["code"]},
                                                  "geometry": polygon(
                                                      [(x, y + 20) for x, y in spot])})
    assert api_error(duplicate, 409)["message"]


# --- delete, roles, stale versions ---------------------------------------------------------

def test_delete_needs_an_admin_and_a_reason(client, conn, site):
    plot = site.plot(code="DEL-1")
    version = plot_row(conn, plot.id)["version"]
    session(client, "planner")
    assert client.delete(f"{API}/plots/{plot.id}", json={"version": version,
                                                        "reason": "x"}).status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    session(client, "admin")
    error = api_error(client.delete(f"{API}/plots/{plot.id}",
                                    json={"version": version, "reason": "  "}), 400)
    assert error["code"] == "reason_required"
    response = client.delete(f"{API}/plots/{plot.id}",
                             json={"version": version, "reason": "录入重复"})
    assert response.status_code == 204, response.get_data(as_text=True)
    assert plot_row(conn, plot.id) is None
    retired = client.get(f"{API}/plots/retired/{plot.id}").get_json()
    assert (retired["kind"], retired["reason"], retired["done_by"]) == \
        ("delete", "录入重复", "test-admin")
    audit = conn.execute("SELECT actor FROM audit_log WHERE table_name = 'plots' AND row_id = %s "
                         "AND action = 'delete'", (str(plot.id),)).fetchone()
    assert audit["actor"] == "test-admin"


def test_a_viewer_gets_403_on_every_editing_route(client, conn, site):
    plot = site.plot(code="VW-1")
    login(client, "viewer")
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(client, "/")
    shape = polygon(square(plot.x0, plot.y0 + 200, 10))
    cut = line((plot.x0 + 50, plot.y0 - 10), (plot.x0 + 50, plot.y0 + 110))
    calls = [("post", "/plots?park=JSCY", {"properties": {"code": "VW-2"}, "geometry": shape}),
             ("post", "/plots/proposal?park=JSCY", {"geometry": shape}),
             ("post", "/plots/clip?park=JSCY", {"geometry": shape}),
             ("post", f"/plots/{plot.id}/split-preview", {"line": cut}),
             ("post", f"/plots/{plot.id}/split", {"version": 1, "line": cut}),
             ("post", "/plots/merge", {"code": "X", "plots": [{"id": plot.id, "version": 1}] * 2}),
             ("delete", f"/plots/{plot.id}", {"version": 1, "reason": "x"})]
    for method, url, data in calls:
        assert getattr(client, method)(f"{API}{url}", json=data).status_code == 403, url
    assert client.get(f"{API}/plots/{plot.id}/lineage").status_code == 200
    assert plot_row(conn, plot.id)["version"] == 1


def test_stale_versions_are_409_for_split_merge_and_delete(client, conn, site):
    x0, y0 = site.next_slot()
    a = site.plot(at=(x0, y0), code="ST-1")
    b = site.plot(at=(x0 + 100, y0), code="ST-2")
    site.update(a, owner="someone else")  # version 2 now
    session(client, "admin")
    cut = line((x0 + 50, y0 - 10), (x0 + 50, y0 + 110))
    for method, url, data in (
            ("post", f"/plots/{a.id}/split", {"version": 1, "line": cut}),
            ("post", "/plots/merge", {"code": "ST-1", "plots": [{"id": a.id, "version": 1},
                                                                {"id": b.id, "version": 1}]}),
            ("delete", f"/plots/{a.id}", {"version": 1, "reason": "x"})):
        error = api_error(getattr(client, method)(f"{API}{url}", json=data), 409)
        assert error["details"]["current_version"] == 2, url
    assert plot_row(conn, a.id)["version"] == 2 and plot_row(conn, b.id)
