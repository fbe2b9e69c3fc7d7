"""The plot form's API and pages (issue 10 items 1, 3, 4): every editable attribute round-trips
through PATCH /api/v1/plots/<id>, the land user and the supply contract number, the lifecycle
order refused in the user's language, the history from the audit log, restoring an earlier
version, the 409 that carries the current values, and who may do what."""

from __future__ import annotations

import json

import psycopg
import pytest

from app import plots
from tests.client import api_error, csrf_token, login

API = "/api/v1"

# One value for every editable attribute, in lifecycle order, with the notes and dates the
# constraints ask for (a government cause needs a note; a disposal and its date go together).
FULL = {
    "name": "北区一号地块", "land_class": "0601", "planned_use": "100102", "owner": "城南村",
    "owner_type": "collective", "price_zone": "Q1", "levelled": True, "special_crop": True,
    "house_floor_area_m2": 321.5, "approved_on": "2024-01-10", "requisitioned_on": "2024-03-01",
    "banked_on": "2024-05-01", "supplied_on": "2024-06-15", "agreed_start_on": "2024-12-31",
    "delivered_on": "2024-07-01", "started_on": "2025-01-02", "completed_on": "2025-09-30",
    "operating_on": "2025-11-01", "supply_method": "sale", "land_price": 1234.5,
    "planned_investment": 20000.0, "actual_investment": 15000.25,
    "planned_floor_area_m2": 30000.0, "floor_area_m2": 28000.0, "high_floor_area_m2": 5000.0,
    "building_footprint_m2": 9000.0, "structure_footprint_m2": 800.0, "open_storage_m2": 700.0,
    "admin_living_area_m2": 600.0, "developed_area_m2": 12000.0, "annual_tax": 321.0,
    "annual_output": 54321.0, "suspended_since": "2025-03-01",
    "government_cause": "plan_change", "government_cause_note": "规划调整\n第二行",
    "disposal": "deadline", "disposal_on": "2026-06-30", "disposal_note": "限期动工",
    "land_user": "江苏某某新材料有限公司", "contract_no": "3205-2024-0042",
}


@pytest.fixture
def planner(client):
    login(client, "planner")
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(client, "/")
    return client


def plot_id(conn) -> int:
    return conn.execute("SELECT min(id) AS id FROM plots WHERE owner_type = 'collective'"
                        ).fetchone()["id"]


def row(conn, pid: int) -> dict:
    return conn.execute("SELECT *, ST_Area(geom_gk) AS gk_area FROM plots WHERE id = %s",
                        (pid,)).fetchone()


def patch(client, pid: int, version: int, properties: dict, lang: str = "zh", **extra):
    return client.patch(f"{API}/plots/{pid}?lang={lang}", json={"properties": properties,
                                                                 **extra},
                        headers={"If-Match": str(version)})


def restore(client, pid: int, version: int, to_version: int):
    return client.post(f"{API}/plots/{pid}/restore", json={"version": to_version},
                       headers={"If-Match": str(version)})


def test_every_editable_field_round_trips(planner, conn):
    assert set(FULL) == plots.EDITABLE - {"zone_id"}
    pid = plot_id(conn)
    zone = conn.execute("SELECT id FROM zones WHERE park_id = (SELECT park_id FROM plots "
                        "WHERE id = %s) ORDER BY code DESC LIMIT 1", (pid,)).fetchone()["id"]
    version = row(conn, pid)["version"]
    response = patch(planner, pid, version, {**FULL, "zone_id": zone})
    assert response.status_code == 200, response.get_data(as_text=True)
    props = planner.get(f"{API}/plots/{pid}").get_json()["properties"]
    for field, value in {**FULL, "zone_id": zone}.items():
        assert props[field] == value, field
    assert props["version"] == version + 1
    # the triggers recomputed the stage in the same transaction
    assert props["stage"] == "operating"
    stored = row(conn, pid)
    assert stored["land_user"] == FULL["land_user"] and stored["contract_no"] == FULL["contract_no"]


def test_land_user_and_contract_number_show_on_the_plot_page_and_in_lists(planner, conn):
    pid = plot_id(conn)
    assert patch(planner, pid, row(conn, pid)["version"], {
        "land_user": "某某公司", "contract_no": "HT-7"}).status_code == 200
    page = planner.get(f"/plots/{pid}").get_data(as_text=True)
    assert "用地单位" in page and "某某公司" in page and "HT-7" in page
    listed = planner.get(f"{API}/plots?limit=10000").get_json()["features"]
    mine = [f for f in listed if f["properties"]["id"] == pid][0]["properties"]
    assert (mine["land_user"], mine["contract_no"]) == ("某某公司", "HT-7")
    idle = planner.get(f"{API}/idle?park={mine['park_id']}").get_json()["plots"]
    assert idle and all("land_user" in r and "contract_no" in r for r in idle)
    assert "用地单位" in planner.get("/idle").get_data(as_text=True)


@pytest.mark.parametrize(("field", "value", "words"), [
    ("contract_no", "HT,7", "逗号"),
    ("contract_no", "x" * 51, "50"),
    ("land_user", "某某\n公司", "换行"),
    ("land_user", "x" * 101, "100"),
])
def test_land_user_and_contract_number_are_validated(planner, conn, field, value, words):
    pid = plot_id(conn)
    before = row(conn, pid)
    error = api_error(patch(planner, pid, before["version"], {field: value}), 400)
    assert error["details"]["field"] == f"properties.{field}"
    assert field in error["message"] and words in error["message"], error
    assert row(conn, pid)["version"] == before["version"]


def test_the_database_refuses_what_the_exchange_formats_cannot_carry(conn):
    pid = plot_id(conn)
    for column, value in (("contract_no", "A,B"), ("land_user", "a\tb"),
                          ("contract_no", "x" * 51)):
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute(f"UPDATE plots SET {column} = %s WHERE id = %s", (value, pid))


def test_lifecycle_out_of_order_is_refused_in_the_users_language(planner, conn):
    pid = plot_id(conn)
    before = row(conn, pid)
    body = {"approved_on": "2024-05-01", "requisitioned_on": "2024-03-01"}
    error = api_error(patch(planner, pid, before["version"], body), 400)
    assert error["code"] == "invalid_input"
    assert error["details"]["field"] == "requisitioned_on"
    assert "征收完成" in error["message"] and "2024-03-01" in error["message"], error
    assert "earlier" not in error["message"]
    english = api_error(patch(planner, pid, before["version"], body, lang="en"), 400)
    assert "is earlier than" in english["message"] and "Requisition" in english["message"]
    needs = api_error(patch(planner, pid, before["version"], {
        "agreed_start_on": "2024-01-01", "supplied_on": None}), 400)
    assert needs["details"]["field"] == "agreed_start_on"
    assert "约定动工" in needs["message"]
    assert row(conn, pid)["version"] == before["version"]


def test_a_stale_save_is_a_409_that_carries_the_current_values(planner, conn):
    pid = plot_id(conn)
    version = row(conn, pid)["version"]
    assert patch(planner, pid, version, {"owner": "甲村"}).status_code == 200
    error = api_error(patch(planner, pid, version, {"owner": "乙村"}), 409)
    current = error["details"]["current"]
    assert error["details"]["current_version"] == current["version"] == version + 1
    assert current["properties"]["owner"] == "甲村"
    assert set(current["properties"]) == plots.EDITABLE
    assert current["geometry"]["type"] == "MultiPolygon"
    assert current["changed_by"] == "test-planner" and current["changed_at"]
    assert row(conn, pid)["owner"] == "甲村"


def test_history_lists_who_changed_which_fields_from_what_to_what(planner, conn):
    pid = plot_id(conn)
    before = row(conn, pid)
    assert patch(planner, pid, before["version"], {
        "owner": "新村", "owner_type": "state", "requisitioned_on": None,
        "land_class": "0601"}).status_code == 200
    history = planner.get(f"{API}/plots/{pid}/history").get_json()
    assert history["version"] == before["version"] + 1
    newest = history["entries"][0]
    assert newest["actor"] == "test-planner" and newest["action"] == "update"
    assert newest["version"] == before["version"] + 1
    assert len(newest["at"]) == 19  # local time, YYYY-MM-DD HH:MM:SS
    changes = {c["field"]: c for c in newest["changes"]}
    assert changes["owner"]["before"] == before["owner"]
    assert changes["owner"]["after"] == "新村" and changes["owner"]["label"] == "权属单位"
    assert changes["owner_type"]["after_name"] == "国有"
    assert changes["land_class"]["after_name"].startswith("0601 ")
    assert "version" not in changes and "updated_at" not in changes
    assert newest["geometry"] is None
    page = planner.get(f"/plots/{pid}/history").get_data(as_text=True)
    assert "test-planner" in page and "新村" in page and "恢复到此版本" in page


def test_restore_is_an_audited_edit_that_bumps_the_version(planner, conn):
    pid = plot_id(conn)
    first = row(conn, pid)
    v = first["version"]
    assert patch(planner, pid, v, {"owner": "甲村", "land_user": "甲公司"}).status_code == 200
    moved = {"type": "Polygon", "coordinates": [[[113.0, 29.0], [113.001, 29.0],
                                                 [113.001, 29.001], [113.0, 29.0]]]}
    feature = planner.get(f"{API}/plots/{pid}").get_json()
    moved["coordinates"] = [[[x + 0.0001, y] for x, y in feature["geometry"]["coordinates"][0][0]]]
    assert patch(planner, pid, v + 1, {"owner": "乙村"}, geometry=moved).status_code == 200
    audit_rows = conn.execute("SELECT count(*) AS n FROM audit_log WHERE table_name = 'plots' "
                              "AND row_id = %s", (str(pid),)).fetchone()["n"]
    response = restore(planner, pid, v + 2, v)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["properties"]["version"] == v + 3
    back = row(conn, pid)
    assert back["version"] == v + 3
    assert (back["owner"], back["land_user"]) == (first["owner"], first["land_user"])
    assert back["gk_area"] == pytest.approx(first["gk_area"], abs=0.01)
    assert conn.execute("SELECT ST_Equals(%s::geometry, geom) AS same FROM plots WHERE id = %s",
                        (first["geom"], pid)).fetchone()["same"]
    audit = conn.execute("SELECT actor, before, after FROM audit_log WHERE table_name = 'plots' "
                         "AND row_id = %s ORDER BY id", (str(pid),)).fetchall()
    assert len(audit) == audit_rows + 1
    assert audit[-1]["actor"] == "test-planner"
    assert audit[-1]["after"]["version"] == v + 3 and audit[-1]["after"]["owner"] == first["owner"]
    newest = planner.get(f"{API}/plots/{pid}/history").get_json()["entries"][0]
    assert newest["geometry"] is not None
    assert {"owner", "land_user"} <= {c["field"] for c in newest["changes"]}


def test_restore_with_a_stale_version_is_a_409_and_changes_nothing(planner, conn):
    pid = plot_id(conn)
    v = row(conn, pid)["version"]
    assert patch(planner, pid, v, {"owner": "甲村"}).status_code == 200
    error = api_error(restore(planner, pid, v, v), 409)
    assert error["details"]["current"]["properties"]["owner"] == "甲村"
    assert row(conn, pid)["version"] == v + 1 and row(conn, pid)["owner"] == "甲村"
    assert api_error(restore(planner, pid, v + 1, v + 7), 404)["code"] == "no_such_version"
    assert api_error(planner.post(f"{API}/plots/{pid}/restore", json={"version": "x"},
                                  headers={"If-Match": str(v + 1)}), 400)
    assert api_error(planner.post(f"{API}/plots/{pid}/restore", json={"version": 1}), 400)


def test_a_viewer_reads_the_history_but_may_edit_nothing(client, conn):
    login(client, "viewer")
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(client, "/")
    pid = plot_id(conn)
    v = row(conn, pid)["version"]
    assert client.get(f"{API}/plots/{pid}/history").status_code == 200
    api_error(patch(client, pid, v, {"owner": "x"}), 403)
    api_error(restore(client, pid, v, v), 403)
    assert client.get(f"/plots/{pid}/edit").status_code == 403
    page = client.get(f"/plots/{pid}").get_data(as_text=True)
    assert f"/plots/{pid}/edit" not in page and "pa-restore" not in page
    assert "plot-history" in page
    map_page = client.get("/").get_data(as_text=True)
    assert '"plotEdit": null' in map_page or "plotEdit\\u0022: null" in map_page or \
        json.dumps("plotEdit") + ": null" in map_page
    assert row(conn, pid)["version"] == v


def test_a_planner_gets_the_form_and_the_edit_links(planner, conn):
    pid = plot_id(conn)
    form = planner.get(f"/plots/{pid}/edit").get_data(as_text=True)
    for section in ("基本信息", "权属", "生命周期", "供地", "建设与效益", "闲置处置"):
        assert section in form, section
    assert 'type="date"' in form and 'list="pa-land-classes"' in form
    assert "万元" in form and "m²" in form
    assert f"/plots/{pid}/edit" in planner.get(f"/plots/{pid}").get_data(as_text=True)
    assert "/plots/{id}/edit" in planner.get("/").get_data(as_text=True)
    english = planner.get(f"/plots/{pid}/edit?lang=en").get_data(as_text=True)
    for words in ("Basic information", "Land user (grantee)", "Supply contract no.",
                  "Land price (10k yuan)", "Agreed start date"):
        assert words in english, words
    assert "基本信息" not in english and "用地单位" not in english
