"""Plot tiles of another date, plots under a pixel left out, and made tiles kept per data
version (issue 14: the map's date control, the whole-park view at 100 000 plots), on the
demo park, read back with GDAL's MVT driver."""

from __future__ import annotations

from datetime import date

import pytest

from app.tiles import tile
from tests.builders import Site, make_app
from tests.client import api_error, login

from .test_tiles import centre, decode, park, url

PAST = date(2000, 1, 1)  # before every event of the demo: every plot still planned


@pytest.fixture
def viewer(client):
    return login(client, "viewer")


def a_built_plot(conn) -> dict:
    """A plot whose stage today is not its stage of PAST, with a point inside it."""
    return conn.execute(
        """SELECT p.id, ST_X(c) AS x, ST_Y(c) AS y, s.stage FROM plots p
           JOIN plot_status s ON s.plot_id = p.id, ST_PointOnSurface(p.geom) c
           WHERE s.stage IN ('operating', 'completed', 'under_construction')
           ORDER BY p.id LIMIT 1""").fetchone()


def stages(conn, park_id: int, day: date) -> dict[int, tuple[str, str, int]]:
    return {r["plot_id"]: (r["stage"], r["flags"], r["level"]) for r in conn.execute(
        """SELECT s.plot_id, s.stage, array_to_string(s.flags, ',') AS flags, r.level
           FROM evaluate_status(%(park)s, %(day)s) s
           JOIN evaluate_readiness(%(park)s, %(day)s) r USING (plot_id)""",
        {"park": park_id, "day": day})}


def test_a_plot_tile_of_another_date_holds_the_plots_as_of_that_date(viewer, conn, tmp_path):
    p = park(conn)
    built = a_built_plot(conn)
    z = 16
    x, y = tile.address(built["x"], built["y"], z)
    then = viewer.get(url(p, "plots", z, x, y) + f"?as_of={PAST}")
    assert then.status_code == 200
    features = decode(then.data, z, x, y, tmp_path)["plots"]
    want = stages(conn, p["id"], PAST)
    for f in features:
        assert (f["stage"], f["flags"], f["level"]) == want[f["id"]]
    drawn = {f["id"]: f for f in features}
    assert drawn[built["id"]]["stage"] == want[built["id"]][0] != built["stage"]
    # the same address today: today's stage; the date is in the ETag
    today = viewer.get(url(p, "plots", z, x, y))
    now = {f["id"]: f for f in decode(today.data, z, x, y, tmp_path)["plots"]}
    assert now[built["id"]]["stage"] == built["stage"]
    assert today.headers["ETag"] != then.headers["ETag"]
    assert f"{PAST:%Y%m%d}" in then.headers["ETag"]


def test_an_old_versions_url_of_another_date_redirects_to_the_same_date(viewer, conn):
    p = park(conn)
    conn.execute("UPDATE plots SET name = name || '·' WHERE id = (SELECT min(id) FROM plots)")
    stale = viewer.get(url(p, "plots", 16, 1, 1) + f"?as_of={PAST}")
    assert stale.status_code == 302
    assert stale.location.endswith(url(p, "plots", 16, 1, 1, p["version"] + 1)
                                   + f"?as_of={PAST}")


def test_a_bad_date_is_a_400_in_the_readers_language(viewer, conn):
    p = park(conn)
    error = api_error(viewer.get(url(p, "plots", 16, 1, 1) + "?as_of=2026-13-01&lang=en"), 400)
    assert "as_of" in error["message"]


def test_plots_under_a_pixel_are_left_out_at_low_zoom_and_drawn_close_up(viewer, conn,
                                                                        tmp_path):
    site = Site(conn)
    # 10 m: under a pixel at z13 (~17 m; the first zoom with a feature per plot), 4 at z16
    small = site.plot(size=10.0)
    large = site.plot(size=150.0)
    spot = conn.execute("SELECT ST_X(c) AS x, ST_Y(c) AS y FROM plots, "
                        "ST_PointOnSurface(geom) c WHERE id = %s", (small.id,)).fetchone()
    p = park(conn)
    found = {}
    for z in (tile.MERGE_MAX_ZOOM + 1, 16):
        x, y = tile.address(spot["x"], spot["y"], z)
        features = decode(viewer.get(url(p, "plots", z, x, y)).data, z, x, y,
                          tmp_path).get("plots", [])
        found[z] = {f["id"] for f in features}
    low = tile.MERGE_MAX_ZOOM + 1
    assert small.id not in found[low] and large.id in found[low]
    assert small.id in found[16]


def test_at_the_whole_park_zooms_plots_that_look_the_same_are_one_feature(viewer, conn,
                                                                         tmp_path):
    p = park(conn)
    z = tile.MERGE_MAX_ZOOM
    x, y = tile.address(*centre(conn), z)
    features = decode(viewer.get(url(p, "plots", z, x, y)).data, z, x, y, tmp_path)["plots"]
    looks = [(f["stage"], f["flags"], f["level"], f.get("level_name"), f["serviced"])
             for f in features]
    assert len(set(looks)) == len(looks) > 1  # one feature per look
    assert not {"id", "code", "name"} & {k for f in features for k in f}
    stored = {(r["stage"], r["flags"], r["level"], r["level_name"], int(r["serviced"]))
              for r in conn.execute(
        """SELECT s.stage, array_to_string(s.flags, ',') AS flags, r.level, r.level_name,
                  r.serviced FROM plot_status s JOIN plot_readiness r USING (plot_id)""")}
    assert set(looks) <= stored
    # one zoom closer: a feature per plot again
    closer = decode(viewer.get(url(p, "plots", z + 1, *tile.address(*centre(conn), z + 1))
                               ).data, z + 1, *tile.address(*centre(conn), z + 1), tmp_path)
    assert all("id" in f and "code" in f for f in closer["plots"])


def kept(conn) -> list[dict]:
    return conn.execute("SELECT data_version, layer, z, x, y, as_of, tile FROM tile_cache "
                        "ORDER BY made_at").fetchall()


def test_a_tile_is_made_once_per_version_then_read_from_the_cache(viewer, conn, tmp_path):
    p = park(conn)
    z = 13
    x, y = tile.address(*centre(conn), z)
    first = viewer.get(url(p, "plots", z, x, y))
    assert first.status_code == 200 and first.data
    rows = kept(conn)
    assert [(r["data_version"], r["layer"], r["z"], r["x"], r["y"]) for r in rows] == [
        (p["version"], "plots", z, x, y)]
    assert bytes(rows[0]["tile"]) == first.data
    # the second request is served from the cache: what the cache holds is what it sends
    conn.execute("UPDATE tile_cache SET tile = 'kept'::bytea")
    assert viewer.get(url(p, "plots", z, x, y)).data == b"kept"
    # another date is another tile
    assert viewer.get(url(p, "plots", z, x, y) + f"?as_of={PAST}").data != b"kept"
    assert len(kept(conn)) == 2
    # an edit moves the version on: the next tile is made anew, the old ones are forgotten
    conn.execute("UPDATE plots SET name = name WHERE id = (SELECT min(id) FROM plots)")
    fresh = viewer.get(url(p, "plots", z, x, y, p["version"] + 1))
    assert fresh.status_code == 200 and fresh.data != b"kept"
    assert sorted(f["id"] for f in decode(fresh.data, z, x, y, tmp_path)["plots"]) == sorted(
        f["id"] for f in decode(first.data, z, x, y, tmp_path)["plots"])
    assert [r["data_version"] for r in kept(conn)] == [p["version"] + 1]


def test_close_up_tiles_are_not_kept_and_the_cache_keeps_within_its_bound(db_url, conn):
    p = park(conn)
    x, y = tile.address(*centre(conn), 16)
    small = make_app(db_url, TILE_CACHE_MB=0).test_client()
    login(small, "viewer")
    assert small.get(url(p, "plots", 16, x, y)).status_code == 200
    assert kept(conn) == []  # above PARKATLAS_TILE_CACHE_MAX_ZOOM (14)
    for z in (12, 13):
        x, y = tile.address(*centre(conn), z)
        assert small.get(url(p, "plots", z, x, y)).status_code == 200
    assert [r["z"] for r in kept(conn)] == [13]  # 0 MiB: the older one is dropped


def test_a_reference_table_change_forgets_every_kept_tile(viewer, conn):
    p = park(conn)
    x, y = tile.address(*centre(conn), 13)
    viewer.get(url(p, "plots", 13, x, y))
    assert len(kept(conn)) == 1
    conn.execute("UPDATE industries SET name_en = name_en WHERE code = (SELECT min(code) "
                 "FROM industries)")
    assert kept(conn) == []
