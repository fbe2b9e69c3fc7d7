"""Vector tiles (issue 14 item 1) on the demo park, read back by GDAL's MVT driver as a GIS
client would: the features and attributes of each layer at z12–z18, the data version in
the URL (an edit makes a new URL, an old one redirects), ETag and 304, what each role
gets, and TileJSON."""

from __future__ import annotations

import re

import pytest

from app import users
from app.tiles import tile
from tests.builders import make_app
from tests.client import api_error, login
from tests.gdal_cli import ogrinfo

PLOT_ATTRIBUTES = {"id", "code", "name", "stage", "flags", "level", "level_name",
                   "level_name_en", "serviced"}
GUEST_PLOT_ATTRIBUTES = {"id", "code", "stage", "level", "level_name", "level_name_en",
                         "serviced"}


def decode(data: bytes, z: int, x: int, y: int, folder) -> dict[str, list[dict]]:
    """The tile's layers → features (their attributes, as GDAL's MVT driver reads them,
    not clipped to the tile: the features in its buffer too)."""
    if not data:
        return {}
    path = folder / f"{z}-{x}-{y}.mvt"
    path.write_bytes(data)
    text = ogrinfo("-al", "-geom=NO", "-oo", f"X={x}", "-oo", f"Y={y}", "-oo", f"Z={z}",
                   "-oo", "CLIP=NO", str(path)).stdout
    layers: dict[str, list[dict]] = {}
    for block in re.split(r"\n(?=OGRFeature\()", text)[1:]:
        name = re.match(r"OGRFeature\(([^)]+)\)", block)[1]
        feature = {}
        for key, kind, value in re.findall(r"^  (\w+) \(([^)]+\)?)\) = (.*)$", block, re.M):
            feature[key] = int(value) if kind.startswith(("Integer", "Integer64")) else value
        layers.setdefault(name, []).append(feature)
    return layers


def park(conn) -> dict:
    return conn.execute("SELECT id, code, data_version AS version FROM parks ORDER BY id "
                        "LIMIT 1").fetchone()


def centre(conn, table: str = "plots") -> tuple[float, float]:
    row = conn.execute(f"SELECT ST_X(c) AS x, ST_Y(c) AS y FROM (SELECT ST_Centroid("
                       f"ST_Extent(geom)::geometry) AS c FROM {table}) s").fetchone()
    return row["x"], row["y"]


def url(p: dict, layer: str, z: int, x: int, y: int, version: int | None = None) -> str:
    return f"/tiles/{p['code']}/{version or p['version']}/{layer}/{z}/{x}/{y}.mvt"


def expected_ids(conn, table: str, z: int, x: int, y: int, where: str = "true") -> set[int]:
    """The features of a table whose geometry meets the tile with its buffer."""
    rows = conn.execute(
        f"""SELECT f.id FROM {table} f WHERE {where} AND ST_Intersects(
              ST_Transform(f.geom, 3857), ST_TileEnvelope(%s, %s, %s, margin => %s))""",
        (z, x, y, tile.BUFFER / tile.EXTENT)).fetchall()
    return {r["id"] for r in rows}


@pytest.fixture
def viewer(client):
    return login(client, "viewer")


@pytest.mark.parametrize("z", [12, 13, 14, 15, 16, 17, 18])
def test_plot_tiles_hold_the_plots_of_the_tile_with_their_state(viewer, conn, tmp_path, z):
    p = park(conn)
    x, y = tile.address(*centre(conn), z)
    response = viewer.get(url(p, "plots", z, x, y))
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.mapbox-vector-tile"
    features = decode(response.data, z, x, y, tmp_path)["plots"]
    state = {r["id"]: r for r in conn.execute(
        """SELECT p.id, p.code, s.stage, array_to_string(s.flags, ',') AS flags, r.level,
                  r.level_name, r.serviced
           FROM plots p JOIN plot_status s ON s.plot_id = p.id
           JOIN plot_readiness r ON r.plot_id = p.id""")}
    expected = expected_ids(conn, "plots", z, x, y)
    if z <= tile.MERGE_MAX_ZOOM:  # one feature per look: the looks of the tile's plots
        looks = [(f["stage"], f["flags"], f["level"], f.get("level_name"), f["serviced"])
                 for f in features]
        assert sorted(looks, key=str) == sorted({
            (state[i]["stage"], state[i]["flags"], state[i]["level"], state[i]["level_name"],
             int(state[i]["serviced"])) for i in expected}, key=str)
        assert not {"id", "code", "name"} & {k for f in features for k in f}
        return
    assert {f["id"] for f in features} == expected
    for f in features:
        assert set(f) - {"mvt_id"} <= PLOT_ATTRIBUTES
        assert {"id", "code", "stage", "flags", "level", "serviced"} <= set(f)
        want = state[f["id"]]
        assert (f["code"], f["stage"], f["flags"], f["level"], f["serviced"]) == (
            want["code"], want["stage"], want["flags"], want["level"], int(want["serviced"]))
        assert f["mvt_id"] == f["id"]
    if z == 16:  # a tile of the demo's centre has flagged plots
        assert any(f["flags"] for f in features)


def test_plots_without_a_stored_result_of_today_are_evaluated_for_the_tile(viewer, conn,
                                                                           tmp_path):
    """Before the nightly recompute the stored rows are yesterday's: a tile evaluates its own
    plots as of today, as the API does."""
    p = park(conn)
    conn.execute("UPDATE plot_status SET evaluated_on = evaluated_on - 1")
    conn.execute("UPDATE plot_readiness SET evaluated_on = evaluated_on - 1")
    p = park(conn)
    z = 16
    x, y = tile.address(*centre(conn), z)
    features = decode(viewer.get(url(p, "plots", z, x, y)).data, z, x, y, tmp_path)["plots"]
    assert {f["id"] for f in features} == expected_ids(conn, "plots", z, x, y)
    today = {r["plot_id"]: r for r in conn.execute(
        """SELECT s.plot_id, array_to_string(s.flags, ',') AS flags, s.stage, r.level
           FROM evaluate_status(%(park)s, park_today(%(park)s)) s
           JOIN evaluate_readiness(%(park)s, park_today(%(park)s)) r USING (plot_id)""",
        {"park": p["id"]})}
    for f in features:
        want = today[f["id"]]
        assert (f["stage"], f["flags"], f["level"]) == (want["stage"], want["flags"],
                                                        want["level"])


@pytest.mark.parametrize(("layer", "table", "attributes"), [
    ("zones", "zones", {"id", "code", "name"}),
    ("roads", "roads", {"id", "name", "status", "class"}),
    ("networks", "networks", {"id", "utility", "status"}),
])
def test_feature_layers_hold_their_features_and_attributes(viewer, conn, tmp_path, layer,
                                                            table, attributes):
    p = park(conn)
    for z in (12, 15, 18):
        x, y = tile.address(*centre(conn, table), z)
        response = viewer.get(url(p, layer, z, x, y))
        assert response.status_code == 200
        features = decode(response.data, z, x, y, tmp_path).get(layer, [])
        assert {f["id"] for f in features} == expected_ids(conn, table, z, x, y)
        assert features
        for f in features:
            assert attributes <= set(f), f


def test_project_tiles_carry_stage_and_flag(viewer, conn, tmp_path):
    p = park(conn)
    z = 13
    x, y = tile.address(*centre(conn), z)
    features = decode(viewer.get(url(p, "projects", z, x, y)).data, z, x, y,
                      tmp_path)["projects"]
    flags = {r["project_id"]: r["flag"] for r in conn.execute(
        "SELECT project_id, flag FROM project_flags(%s)", (p["id"],))}
    codes = {r["id"]: (r["code"], r["stage"]) for r in conn.execute(
        "SELECT id, code, stage FROM projects WHERE id IN (SELECT project_id FROM project_plots)")}
    assert {f["id"] for f in features} == set(codes)
    for f in features:
        assert (f["code"], f["stage"], f["flag"]) == (*codes[f["id"]], flags[f["id"]])


def test_an_empty_tile_is_an_empty_200(viewer, conn):
    p = park(conn)
    response = viewer.get(url(p, "plots", 14, 0, 0))
    assert response.status_code == 200 and response.data == b""


@pytest.mark.parametrize("address", ["7/100/50", "23/1/1", "14/16384/1", "14/1/16384"])
def test_a_tile_that_is_not_served_is_a_404(viewer, conn, address):
    p = park(conn)
    api_error(viewer.get(f"/tiles/{p['code']}/{p['version']}/plots/{address}.mvt"), 404)


def test_unknown_layer_and_park_are_404(viewer, conn):
    p = park(conn)
    error = api_error(viewer.get(url(p, "buildings", 14, 1, 1)), 404)
    assert error["message"] == "没有名为 buildings 的瓦片图层"
    english = viewer.get(url(p, "buildings", 14, 1, 1) + "?lang=en")
    assert api_error(english, 404)["message"] == "there is no tile layer buildings"
    api_error(viewer.get("/tiles/NOPE/1/plots/14/1/1.mvt"), 404)
    api_error(viewer.get("/tiles/NOPE/version"), 404)


# --- the data version ------------------------------------------------------------------------

def version(conn, park_id: int) -> int:
    return conn.execute("SELECT data_version FROM parks WHERE id = %s",
                        (park_id,)).fetchone()["data_version"]


def test_an_edit_bumps_the_version_and_the_old_url_redirects_to_the_new(viewer, conn):
    p = park(conn)
    x, y = tile.address(*centre(conn), 15)
    old = viewer.get(url(p, "plots", 15, x, y))
    assert viewer.get(f"/tiles/{p['code']}/version").get_json() == {"version": p["version"]}
    plot = conn.execute("SELECT id, version FROM plots ORDER BY id LIMIT 1").fetchone()
    conn.execute("UPDATE plots SET name = 'renamed' WHERE id = %s", (plot["id"],))
    new_version = version(conn, p["id"])
    assert new_version == p["version"] + 1
    assert viewer.get(f"/tiles/{p['code']}/version").get_json() == {"version": new_version}
    stale = viewer.get(url(p, "plots", 15, x, y))
    assert stale.status_code == 302
    assert stale.location.endswith(url(p, "plots", 15, x, y, new_version))
    assert stale.headers["Cache-Control"] == "no-store"
    fresh = viewer.get(stale.location)
    assert fresh.status_code == 200 and fresh.headers["ETag"] != old.headers["ETag"]
    tilejson = viewer.get(f"/tiles/{p['code']}/plots.json").get_json()
    assert f"/tiles/{p['code']}/{new_version}/plots/{{z}}/{{x}}/{{y}}.mvt" in tilejson["tiles"][0]


@pytest.mark.parametrize("statement", [
    "UPDATE plots SET name = name || '·' WHERE park_id = %(park)s",
    "UPDATE roads SET status = status WHERE park_id = %(park)s",
    "UPDATE networks SET name = name WHERE park_id = %(park)s",
    "UPDATE zones SET name = name WHERE park_id = %(park)s",
    "UPDATE projects SET name = name WHERE park_id = %(park)s",
    "DELETE FROM project_plots WHERE project_id IN "
    "(SELECT id FROM projects WHERE park_id = %(park)s)",
    "UPDATE milestones SET planned_on = planned_on",
    "UPDATE progress_reports SET note = note",
    "UPDATE plot_status SET flags = flags WHERE park_id = %(park)s",
    "UPDATE plot_readiness SET level = level WHERE park_id = %(park)s",
    "UPDATE requisition_plans SET name = name || '·' WHERE park_id = %(park)s",
    "UPDATE plan_plots SET geom = geom",
    "UPDATE parks SET settings = jsonb_set(settings, '{idle,warning_days}', '30') "
    "WHERE id = %(park)s",
])
def test_every_statement_on_a_drawn_table_bumps_the_version_once(conn, statement):
    p = park(conn)
    conn.execute(statement, {"park": p["id"]})
    assert version(conn, p["id"]) == p["version"] + 1


def test_a_transaction_bumps_the_version_once_and_the_park_row_stays_as_it_was(conn):
    p = park(conn)
    before = conn.execute("SELECT version FROM parks WHERE id = %s", (p["id"],)).fetchone()
    audit = conn.execute("SELECT count(*) AS n FROM audit_log WHERE table_name = 'parks'"
                         ).fetchone()["n"]
    with conn.transaction():
        conn.execute("UPDATE plots SET name = name WHERE park_id = %s", (p["id"],))
        conn.execute("UPDATE roads SET name = name WHERE park_id = %s", (p["id"],))
        conn.execute("SELECT recompute_plots(%s, park_today(%s))", (p["id"], p["id"]))
    assert version(conn, p["id"]) == p["version"] + 1
    # an edit of a plot is no edit of its park: neither its row version nor its audit trail
    after = conn.execute("SELECT version FROM parks WHERE id = %s", (p["id"],)).fetchone()
    assert after == before
    assert conn.execute("SELECT count(*) AS n FROM audit_log WHERE table_name = 'parks'"
                        ).fetchone()["n"] == audit


def test_a_rolled_back_edit_leaves_the_version(conn):
    p = park(conn)
    with pytest.raises(RuntimeError), conn.transaction():
        conn.execute("UPDATE plots SET name = name WHERE park_id = %s", (p["id"],))
        raise RuntimeError("undo")
    assert version(conn, p["id"]) == p["version"]


def test_a_settings_edit_still_bumps_the_park_row_version(conn):
    p = park(conn)
    before = conn.execute("SELECT version FROM parks WHERE id = %s", (p["id"],)).fetchone()
    conn.execute("UPDATE parks SET settings = jsonb_set(settings, '{idle,warning_days}', '45')"
                 " WHERE id = %s", (p["id"],))
    after = conn.execute("SELECT version, data_version FROM parks WHERE id = %s",
                         (p["id"],)).fetchone()
    assert after["version"] == before["version"] + 1
    assert after["data_version"] == p["version"] + 1


# --- caching ---------------------------------------------------------------------------------

def test_versioned_tiles_are_immutable_private_and_answer_304_to_their_etag(viewer, conn):
    p = park(conn)
    x, y = tile.address(*centre(conn), 14)
    first = viewer.get(url(p, "plots", 14, x, y))
    assert first.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert set(first.headers["Vary"].replace(" ", "").split(",")) >= {"Cookie", "Authorization"}
    etag = first.headers["ETag"]
    assert str(p["version"]) in etag and f"14-{x}-{y}" in etag
    again = viewer.get(url(p, "plots", 14, x, y), headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    other = viewer.get(url(p, "plots", 14, x, y), headers={"If-None-Match": '"other"'})
    assert other.status_code == 200 and other.data == first.data
    # above the kept zooms: a reader revalidating another tag gets the tile made for it
    x, y = tile.address(*centre(conn), 17)
    close = viewer.get(url(p, "plots", 17, x, y))
    assert close.status_code == 200 and close.data
    assert viewer.get(url(p, "plots", 17, x, y), headers={
        "If-None-Match": close.headers["ETag"]}).status_code == 304
    made = viewer.get(url(p, "plots", 17, x, y), headers={"If-None-Match": '"other"'})
    assert made.status_code == 200 and made.data == close.data


# --- who sees what -----------------------------------------------------------------------------

LAYERS = ("plots", "zones", "roads", "networks", "projects", "plans")


def test_anonymous_gets_401_without_public_read(client, conn):
    p = park(conn)
    for layer in LAYERS:
        api_error(client.get(url(p, layer, 14, 1, 1)), 401)
        api_error(client.get(f"/tiles/{p['code']}/{layer}.json"), 401)
    api_error(client.get(f"/tiles/{p['code']}/version"), 401)


def test_a_viewer_token_reads_every_layer(client, conn):
    p = park(conn)
    headers = {"Authorization": f"Bearer {users.issue_token(conn, 'test-viewer')}"}
    x, y = tile.address(*centre(conn), 14)
    for layer in LAYERS:
        assert client.get(url(p, layer, 14, x, y), headers=headers).status_code == 200, layer


def _guest_layers_check(client, conn, tmp_path):
    p = park(conn)
    z = 14
    x, y = tile.address(*centre(conn), z)
    plots = decode(client.get(url(p, "plots", z, x, y)).data, z, x, y, tmp_path).get("plots", [])
    supplyable = expected_ids(conn, "plot_features", z, x, y, where="""f.stage = 'banked'
        AND (SELECT serviced FROM plot_readiness r WHERE r.plot_id = f.id)""")
    assert supplyable, "the demo's centre tile has supplyable serviced plots"
    assert {f["id"] for f in plots} == supplyable
    for f in plots:
        assert set(f) - {"mvt_id"} <= GUEST_PLOT_ATTRIBUTES, f
    for layer in ("zones", "roads"):
        assert client.get(url(p, layer, z, x, y)).status_code == 200
    for layer in ("networks", "projects", "plans"):
        api_error(client.get(url(p, layer, z, x, y)), 403)
        api_error(client.get(f"/tiles/{p['code']}/{layer}.json"), 403)
    fields = client.get(f"/tiles/{p['code']}/plots.json").get_json()["vector_layers"][0]["fields"]
    assert set(fields) == GUEST_PLOT_ATTRIBUTES


def test_a_guest_gets_only_supplyable_serviced_plots_and_public_attributes(client, conn,
                                                                            tmp_path):
    login(client, "guest")
    _guest_layers_check(client, conn, tmp_path)


def test_public_read_serves_an_anonymous_reader_the_guest_variant(db_url, conn, tmp_path):
    app = make_app(db_url, PUBLIC_READ=True)
    try:
        _guest_layers_check(app.test_client(), conn, tmp_path)
    finally:
        app.extensions["parkatlas_pool"].close()


def test_a_guest_and_a_viewer_get_different_etags_for_one_url(client, conn):
    p = park(conn)
    x, y = tile.address(*centre(conn), 14)
    guest = login(client, "guest").get(url(p, "plots", 14, x, y)).headers["ETag"]
    viewer = login(make_app_client := client.application.test_client(), "viewer").get(
        url(p, "plots", 14, x, y)).headers["ETag"]
    assert make_app_client is not client and guest != viewer


def test_plan_outlines_by_role(client, conn, tmp_path):
    """A viewer sees approved plans only (outlined as their last approved version); a
    planner sees every plan at its current version."""
    from app import requisition

    p = park(conn)
    plan = conn.execute("SELECT id, version FROM requisition_plans ORDER BY id LIMIT 1"
                        ).fetchone()
    z = 13
    x, y = tile.address(*conn.execute(
        """SELECT ST_X(c) AS x, ST_Y(c) AS y FROM (SELECT ST_Centroid(ST_Collect(p.geom)) AS c
           FROM plan_plots pp JOIN plots p ON p.id = pp.plot_id WHERE pp.plan_id = %s) s""",
        (plan["id"],)).fetchone().values(), z)
    login(client, "viewer")
    assert decode(client.get(url(p, "plans", z, x, y)).data, z, x, y, tmp_path) == {}
    submitted = requisition.submit(conn, plan["id"], plan["version"], "test-planner")
    requisition.approve(conn, plan["id"], submitted["version"], "test-admin")
    p = park(conn)
    shown = decode(client.get(url(p, "plans", z, x, y)).data, z, x, y, tmp_path)["plans"]
    assert [(f["id"], f["status"]) for f in shown] == [(plan["id"], "approved")]
    planner = login(client.application.test_client(), "planner")
    staff = decode(planner.get(url(p, "plans", z, x, y)).data, z, x, y, tmp_path)["plans"]
    assert [f["id"] for f in staff] == [plan["id"]]


# --- TileJSON ----------------------------------------------------------------------------------

@pytest.mark.parametrize("layer", LAYERS)
def test_tilejson_describes_the_layer_at_the_current_version(viewer, conn, layer):
    p = park(conn)
    doc = viewer.get(f"/tiles/{p['code']}/{layer}.json").get_json()
    assert doc["tilejson"] == "3.0.0"
    assert doc["tiles"] == [f"http://localhost/tiles/{p['code']}/{p['version']}/{layer}"
                            "/{z}/{x}/{y}.mvt"]
    assert doc["minzoom"] == tile.MIN_ZOOM and doc["maxzoom"] == tile.MAX_ZOOM
    west, south, east, north = doc["bounds"]
    lon, lat = centre(conn)
    assert west < lon < east and south < lat < north
    assert [v["id"] for v in doc["vector_layers"]] == [layer]
    assert doc["vector_layers"][0]["fields"]["id"].startswith("Number")
    assert doc["data_version"] == p["version"]
