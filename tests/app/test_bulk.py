"""Bulk writes (app.bulk, issue 13 benchmark): one audit entry per inserting statement of a
load or an import instead of a copy per row; the rules still hold on the bulk path, checked
once per statement; statistics taken before the recompute."""

import pytest
from shapely.geometry import LineString

from app import bulk, db, history, importer, plots
from app.db import transaction
from app.errors import AtlasError
from app.imports import commit, mapping, staging
from tests.builders import (
    GK_EPSG,
    ORIGIN,
    app_url,
    incoming,
    lonlat_square,
    polygon_wkt,
    square,
    table_checksums,
    write_dataset,
)
from tests.client import login

X, Y = ORIGIN[0] + 7000, ORIGIN[1] + 3000  # clear of the demo and of the other tests


def _park(conn) -> int:
    return conn.execute("SELECT id FROM parks WHERE code = 'JSCY'").fetchone()["id"]


def _insert(conn, rows: list[tuple[str, list]]) -> list[int]:
    """Plots of the demo park in ONE statement, as the bulk writers insert them."""
    return [r["id"] for r in conn.execute(
        "INSERT INTO plots (park_id, code, geom) "
        "SELECT %s, r.code, ST_Multi(ST_GeomFromText(r.wkt, 4490)) "
        "FROM unnest(%s::text[], %s::text[]) AS r(code, wkt) RETURNING id",
        [_park(conn), [c for c, _ in rows], [polygon_wkt(p) for _, p in rows]])]


def test_the_load_audits_each_layer_once_and_keeps_the_records_per_row(conn):
    # the demo was loaded by `parkatlas load` (tests/conftest.py): its plots are named by
    # the entry of their INSERT, none copied; projects and milestones keep their rows (the
    # projects "as recorded then" read them)
    entries = conn.execute("SELECT source, row_ids, after, row_id, before FROM audit_log "
                           "WHERE table_name = 'plots' AND action = 'insert'").fetchall()
    ids = conn.execute("SELECT array_agg(id ORDER BY id) AS ids FROM plots").fetchone()["ids"]
    assert len(entries) == 1
    assert entries[0]["source"] == importer.DEMO_DIR.name
    assert entries[0]["row_ids"] == ids and entries[0]["after"] == {"count": len(ids)}
    assert entries[0]["row_id"] is None and entries[0]["before"] is None
    per_row = conn.execute("SELECT count(*) AS n FROM audit_log WHERE table_name = "
                           "'milestones' AND action = 'insert' AND row_id IS NOT NULL"
                           ).fetchone()["n"]
    assert per_row == conn.execute("SELECT count(*) AS n FROM milestones").fetchone()["n"] > 0


def test_an_edit_after_a_bulk_write_keeps_its_row_entry_and_the_history_reads_both(conn):
    with transaction(conn):
        bulk.begin(conn, "#9 north.gpkg")
        pid = _insert(conn, [("BULK-H1", square(X, Y, 50))])[0]
    plots.update(conn, pid, 1, {"name": "改名"})
    found = history.entries(conn, "plots", pid, "Asia/Shanghai")
    assert [(e["action"], e["version"], e["source"]) for e in found] == [
        ("update", 2, None), ("insert", 1, "#9 north.gpkg")]
    assert [c["field"] for c in found[0]["changes"]] == ["name"]
    assert found[1]["actor"] == "pytest" and found[1]["changes"] == []
    # version 1 is still restorable: the update's before-image is that version
    plots.restore(conn, pid, 2, 1)
    assert conn.execute("SELECT name, version FROM plots WHERE id = %s", [pid]).fetchone() \
        == {"name": None, "version": 3}


def test_an_interactive_insert_is_copied_row_by_row(conn):
    pid = _insert(conn, [("BULK-I1", square(X + 200, Y, 50))])[0]
    rows = conn.execute("SELECT row_id, source, after ->> 'code' AS code FROM audit_log "
                        "WHERE table_name = 'plots' AND row_id = %s", [str(pid)]).fetchall()
    assert rows == [{"row_id": str(pid), "source": None, "code": "BULK-I1"}]


@pytest.mark.parametrize("rows, named", [
    # the last plot lies 100 km away: beyond the park's reach
    ([("BULK-R1", square(X, Y + 200, 50)), ("BULK-R2", square(X + 100_000, Y, 50))],
     "plot BULK-R2, field geometry: outside the park's reach: 112.2 km"),
    # the second overlaps the first by half
    ([("BULK-O1", square(X, Y + 400, 100)), ("BULK-O2", square(X + 50, Y + 400, 100))],
     "plot BULK-O1, field geometry: overlaps BULK-O2 (5000.00 m²)"),
    # a bow tie: not a valid polygon
    ([("BULK-V1", [(X, Y + 600), (X + 100, Y + 700), (X + 100, Y + 600), (X, Y + 700),
                   (X, Y + 600)])], "BULK-V1: invalid geometry: Self-intersection"),
])
def test_the_rules_hold_on_the_bulk_path_and_a_refusal_writes_nothing(conn, rows, named):
    before = table_checksums(conn)
    with pytest.raises(AtlasError) as refused, transaction(conn):
        bulk.begin(conn, "#1 bad.shp")
        _insert(conn, rows)
    assert named in str(refused.value)
    assert table_checksums(conn) == before
    # the row-by-row path (an interactive edit) refuses the same rows with the same words
    with pytest.raises(AtlasError) as row_by_row, transaction(conn):
        _insert(conn, rows)
    assert str(row_by_row.value) == str(refused.value)
    assert table_checksums(conn) == before


def test_a_loaded_park_beyond_its_reach_is_refused_as_before(conn, tmp_path):
    near = {"code": "T-01", "geometry": lonlat_square(113.0, 29.45)}
    far = {"code": "FAR-1", "geometry": lonlat_square(113.3, 29.45)}  # ≈ 29 km east
    write_dataset(tmp_path / "near", plots=[near])
    both = write_dataset(tmp_path / "both", plots=[near, far])
    # the zone around the near plot only: the far one is 28 km from it, the reach 20 km
    (both / "TINY" / "zones.geojson").write_bytes(
        (tmp_path / "near" / "TINY" / "zones.geojson").read_bytes())
    before = table_checksums(conn)
    with pytest.raises(AtlasError) as refused:
        importer.load_dataset(conn, both)
    assert "FAR-1" in str(refused.value) and "28" in str(refused.value)
    assert table_checksums(conn) == before
    assert importer.load_dataset(conn, tmp_path / "near")[0]["plots"] == 1


def test_a_large_write_is_analysed_before_its_recompute_even_as_the_app_role(db_url):
    # the app imports as parkatlas_app, which does not own the tables: analyze_for_recompute
    # runs as their owner; inside the transaction, the planner then sees the new park
    with db.connect(app_url(db_url), actor="pytest") as conn, transaction(conn):
        park = conn.execute("INSERT INTO parks (code, name, gk_zone) VALUES ('BIG', '大园区', 38) "
                            "RETURNING id").fetchone()["id"]
        bulk.begin(conn, "#2 big.gpkg")
        conn.execute("INSERT INTO plots (park_id, code, geom) SELECT %s, 'B-' || i, ST_Multi("
                     "ST_Transform(ST_MakeEnvelope(38420000 + 20 * (i %% 50), 3270000 + 20 * "
                     "(i / 50), 38420015 + 20 * (i %% 50), 3270015 + 20 * (i / 50), 4526), "
                     "4490)) FROM generate_series(0, %s) i", [park, bulk.ANALYZE_FROM - 1])

        def estimate() -> float:
            plan = conn.execute("EXPLAIN (FORMAT JSON) SELECT * FROM plots WHERE park_id = %s",
                                [park]).fetchone()
            return next(iter(plan.values()))[0]["Plan"]["Plan Rows"]

        assert estimate() < 100
        bulk.recompute(conn, park, None, written=bulk.ANALYZE_FROM)
        assert estimate() > bulk.ANALYZE_FROM / 2
        assert conn.execute("SELECT count(*) AS n FROM plot_status WHERE park_id = %s",
                            [park]).fetchone()["n"] == bulk.ANALYZE_FROM


def test_the_history_page_names_the_bulk_write(client, conn):
    with transaction(conn):
        bulk.begin(conn, "#12 测绘院.gpkg")
        pid = _insert(conn, [("BULK-P1", square(X + 400, Y, 50))])[0]
    login(client, "viewer")
    page = client.get(f"/plots/{pid}/history").get_data(as_text=True)
    assert "批量写入，来源：#12 测绘院.gpkg" in page
    page = client.get(f"/plots/{pid}/history?lang=en").get_data(as_text=True)
    assert "written in bulk from #12 测绘院.gpkg" in page


def test_an_import_of_networks_recomputes_the_plots_it_serves(conn):
    # only a plots import defers the recompute to its end: a water main imported beside a
    # plot makes it served by water at once (the networks' triggers)
    pid = _insert(conn, [("BULK-W1", square(X + 600, Y, 50))])[0]

    def water() -> str:
        return conn.execute("SELECT utilities -> 'water' ->> 'state' AS s FROM plot_readiness "
                            "WHERE plot_id = %s", [pid]).fetchone()["s"]

    before = water()
    inc = incoming([(LineString([(X + 600, Y - 10), (X + 650, Y - 10)]),
                     {"管线类型": "给水", "状态": "已建"})])
    m = mapping.guess("networks", staging.source_fields(inc))
    report = commit.run(conn, _park(conn), "networks", inc, m, GK_EPSG,
                        commit.Options(file_name="给水.shp"))
    assert report.state == "committed", report.problems
    assert before != "available" and water() == "available"


# --- the overlap rule on the import path: the staging's check, trusted once -----------------

def _stage_plots(conn, shapes: list[tuple[str, list]]):
    """Stage plots as an import inserting them does (inside the caller's transaction)."""
    from shapely.geometry import Polygon
    inc = incoming([(Polygon(p), {"DKBH": code}) for code, p in shapes])
    m = mapping.guess("plots", staging.source_fields(inc))
    return staging.stage(conn, _park(conn), "plots", inc, m, GK_EPSG)


def _insert_staged(conn) -> list[int]:
    from app.db import queries
    q = queries().imports
    q.mark_actions(conn, park_id=_park(conn), layer="plots", mode="insert", skip=[])
    return [r["id"] for r in q.insert_plots(conn, park_id=_park(conn), zone_id=None)]


def _pending(conn) -> bool:
    return conn.execute("SELECT overlap_check_pending() AS p").fetchone()["p"]


def test_an_import_inserts_its_checked_plots_without_the_second_check(conn):
    # the staging records its check; the INSERT of those plots takes it (the trigger's own
    # search does not run), and a second INSERT of the same shapes is checked in full
    with transaction(conn):
        bulk.begin(conn, "#20 ok.gpkg")
        staged = _stage_plots(conn, [("OV-1", square(X, Y + 800, 50)),
                                     ("OV-2", square(X + 60, Y + 800, 50))])
        assert staged.problems == [] and _pending(conn)
        recorded = conn.execute("SELECT digests FROM parkatlas_private.overlap_checks WHERE "
                                "xact = pg_current_xact_id()").fetchone()["digests"]
        ids = _insert_staged(conn)
        assert not _pending(conn)
        # what the trigger compared: the inserted rows' GK copies are the checked geometries
        inserted = conn.execute("SELECT array_agg(md5(ST_AsEWKB(geom_gk))) AS d FROM plots "
                                "WHERE id = ANY(%s)", [ids]).fetchone()["d"]
        assert len(ids) == 2 and sorted(inserted) == sorted(recorded)
    with pytest.raises(AtlasError) as again, transaction(conn):
        _insert(conn, [("OV-1B", square(X, Y + 800, 50))])
    assert "OV-1" in str(again.value)


def test_a_plot_the_staging_did_not_check_is_checked_by_the_rule(conn):
    # staged plots A; another writer then inserts B over A's place (A is not in plots yet,
    # so B passes); inserting A must not trust the staging any more: A overlaps B
    before = table_checksums(conn)
    with pytest.raises(AtlasError) as refused, transaction(conn):
        bulk.begin(conn, "#21 late.gpkg")
        _stage_plots(conn, [("OV-A", square(X, Y + 1000, 50))])
        _insert(conn, [("OV-B", square(X + 10, Y + 1000, 50))])
        assert not _pending(conn)
        _insert_staged(conn)
    assert "overlaps OV-B" in str(refused.value)
    assert table_checksums(conn) == before


def test_only_the_owners_check_can_vouch_for_plots(conn, db_url):
    # the record of a check vouches for exactly the geometries it lists (here written by the
    # owner, as staged_plot_overlaps does): an overlapping plot it lists passes ...
    _insert(conn, [("OV-E", square(X, Y + 1200, 50))])
    overlapping = square(X + 10, Y + 1200, 50)
    digest = conn.execute(
        "SELECT md5(ST_AsEWKB(ST_Transform(ST_GeomFromText(%s, 4490), 4526))) AS d",
        [polygon_wkt(overlapping)]).fetchone()["d"]
    vouch = ("INSERT INTO parkatlas_private.overlap_checks (xact, park_id, max_overlap_m2, "
             "digests) VALUES (pg_current_xact_id(), %s, 1, ARRAY[%s])")
    with transaction(conn):
        conn.execute(vouch, [_park(conn), digest])
        _insert(conn, [("OV-F", overlapping)])
    # ... so the app's role, which writes plots, cannot write one: it must stage its rows
    # through the check itself
    with db.connect(app_url(db_url), actor="pytest") as app_conn:
        if app_conn.execute("SELECT current_user = 'parkatlas_app' AS app").fetchone()["app"]:
            with pytest.raises(db.psycopg.errors.InsufficientPrivilege), transaction(app_conn):
                app_conn.execute(vouch, [_park(app_conn), digest])
        with pytest.raises(AtlasError) as refused, transaction(app_conn):
            _insert(app_conn, [("OV-G", square(X + 20, Y + 1200, 50))])
    assert "overlaps OV-E" in str(refused.value)


def _scans(plan: dict, under_sort: bool = False):
    """(node type, index, relation, under a Sort?) of every scan of a plan."""
    if "Scan" in plan["Node Type"]:
        yield plan["Node Type"], plan.get("Index Name"), plan.get("Relation Name"), under_sort
    for child in plan.get("Plans", []):
        yield from _scans(child, under_sort or plan["Node Type"] in ("Sort", "Incremental Sort"))


def test_the_nearest_feature_search_of_a_park_without_statistics_is_a_knn_search(conn):
    # statistics of the demo only: a park written in this transaction is estimated at one
    # row; the search must still walk a GiST index in distance order, never sort the park's
    # features (issue 13: a btree on (park, utility) + a sort, 34× slower at 10 000 plots)
    conn.execute("ANALYZE networks")
    conn.execute("ANALYZE plots")
    with transaction(conn):
        park = conn.execute("INSERT INTO parks (code, name, gk_zone) VALUES ('NOSTAT', '新园区', "
                            "38) RETURNING id").fetchone()["id"]
        bulk.begin(conn, "#3 nostat.gpkg")
        conn.execute("INSERT INTO networks (park_id, utility, status, geom) SELECT %s, 'water', "
                     "'in_service', ST_Multi(ST_Transform(ST_SetSRID(ST_MakeLine(ST_MakePoint("
                     "38420000 + 40 * i, 3270000), ST_MakePoint(38420030 + 40 * i, 3270000)), "
                     "4526), 4490)) FROM generate_series(0, 1999) i", [park])
        conn.execute("INSERT INTO plots (park_id, code, geom) SELECT %s, 'N-' || i, ST_Multi("
                     "ST_Transform(ST_MakeEnvelope(38420000 + 20 * i, 3270100, 38420015 + 20 * i,"
                     " 3270115, 4526), 4490)) FROM generate_series(0, 1999) i", [park])
        # the recompute's own statement, inlined: its nearest-feature searches
        plan = conn.execute("EXPLAIN (FORMAT JSON) SELECT * FROM evaluate_readiness(%s, "
                            "park_today(%s))", [park, park]).fetchone()
        assert conn.execute("EXPLAIN (FORMAT JSON) SELECT * FROM networks WHERE park_id = %s",
                            [park]).fetchone()["QUERY PLAN"][0]["Plan"]["Plan Rows"] < 100
    scans = list(_scans(next(iter(plan.values()))[0]["Plan"]))
    knn = {index for kind, index, _, _ in scans
           if kind == "Index Scan" and index.endswith("_knn_idx")}
    assert knn == {f"networks_{u}_knn_idx" for u in ("water", "drainage", "power", "telecom",
                                                      "gas", "heat")} | {"road_pieces_knn_idx"}
    assert not [s for s in scans if s[3] and s[2] in ("networks", "road_pieces")
                or s[1] == "networks_park_utility_idx"], scans


def _lifecycle_calls(conn) -> int:
    """Calls of the lifecycle trigger function in this transaction (track_functions)."""
    return conn.execute("SELECT coalesce(sum(calls), 0) AS n FROM pg_stat_xact_user_functions "
                        "WHERE funcname = 'check_plot_lifecycle'").fetchone()["n"]


def test_the_lifecycle_check_runs_only_for_rows_it_could_change(conn):
    with transaction(conn):
        conn.execute("SET LOCAL track_functions = 'pl'")
        bulk.begin(conn, "#3 undated.gpkg")
        undated = _insert(conn, [("BULK-L1", square(X + 400, Y, 50)),
                                 ("BULK-L2", square(X + 500, Y, 50))])
        # an undated row has nothing to check and its updated_at is already now()
        assert _lifecycle_calls(conn) == 0
        assert conn.execute("SELECT bool_and(updated_at = now()) AS ok FROM plots "
                            "WHERE id = ANY(%s)", [undated]).fetchone()["ok"]
        conn.execute("UPDATE plots SET approved_on = '2020-01-01' WHERE id = %s", [undated[0]])
        assert _lifecycle_calls(conn) == 1
    # a later update of an undated plot is still dated by the trigger
    with transaction(conn):
        conn.execute("SET LOCAL track_functions = 'pl'")
        conn.execute("UPDATE plots SET name = '改名' WHERE id = %s", [undated[1]])
        assert _lifecycle_calls(conn) >= 1
        assert conn.execute("SELECT updated_at = now() AS ok FROM plots WHERE id = %s",
                            [undated[1]]).fetchone()["ok"]
    # dates out of order are refused on the bulk path as before
    before = table_checksums(conn)
    with pytest.raises(AtlasError) as refused, transaction(conn):
        bulk.begin(conn, "#4 dated.gpkg")
        conn.execute("INSERT INTO plots (park_id, code, geom, approved_on, supplied_on) "
                     "VALUES (%s, 'BULK-L3', ST_Multi(ST_GeomFromText(%s, 4490)), "
                     "'2021-05-01', '2020-01-01')",
                     [_park(conn), polygon_wkt(square(X + 600, Y, 50))])
    assert "BULK-L3" in str(refused.value)
    assert table_checksums(conn) == before
