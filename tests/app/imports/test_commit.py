"""Commit of an import (issue 13 item 5): insert, upsert by code, replace within a zone;
problems refused, skipped or repaired; ONE transaction (a refusal or a failure mid-way
writes nothing: table checksums before and after); audited as the user; the written plots'
status and readiness recomputed; a dry run writes nothing."""

from __future__ import annotations

import pytest
from shapely.geometry import LineString

from app.errors import AtlasError
from app.imports import commit, mapping, staging
from tests.builders import (
    GK_EPSG,
    ORIGIN,
    Site,
    incoming,
    polygon_wkt,
    square,
    table_checksums,
)

X, Y = ORIGIN[0] + 5000, ORIGIN[1]  # clear of the demo and of the other tests' squares
BOW_TIE = [(X, Y + 2000), (X + 100, Y + 2100), (X + 100, Y + 2000), (X, Y + 2100),
           (X, Y + 2000)]


def park(conn) -> int:
    return conn.execute("SELECT id FROM parks WHERE code = 'JSCY'").fetchone()["id"]


def run(conn, inc, layer="plots", **options):
    m = mapping.guess(layer, staging.source_fields(inc))
    return commit.run(conn, park(conn), layer, inc, m, GK_EPSG,
                      commit.Options(file_name="test.shp", **options))


def plots(conn, prefix: str) -> dict[str, dict]:
    return {r["code"]: r for r in conn.execute(
        "SELECT p.id, p.code, p.name, p.land_class, p.owner, p.owner_type, p.version, "
        "round(p.area_m2::numeric, 2) AS area_m2, s.evaluated_on, s.computed_at, "
        "r.plot_id IS NOT NULL AS has_readiness "
        "FROM plots p LEFT JOIN plot_status s ON s.plot_id = p.id "
        "LEFT JOIN plot_readiness r ON r.plot_id = p.id "
        "WHERE p.code LIKE %s ORDER BY p.code", (prefix + "%",))}


def test_insert_writes_the_mapped_values_audited_and_recomputed(conn):
    inc = incoming([(square(X + 200 * i, Y, 100),
                     {"地块编号": f"INS-{i}", "地块名称": f"北区{i}号", "DLBM": "0601",
                      "QSDWMC": "城南村", "QSXZ": "国有", "MJ": 10_000}) for i in range(3)])
    audit_before = conn.execute("SELECT count(*) AS n FROM audit_log").fetchone()["n"]
    report = run(conn, inc)
    assert report.state == "committed"
    assert report.counts | {"deleted": 0} == {"inserted": 3, "updated": 0, "skipped": 0,
                                              "repaired": 0, "deleted": 0}
    rows = plots(conn, "INS-")
    assert list(rows) == ["INS-0", "INS-1", "INS-2"]
    one = rows["INS-1"]
    assert (one["name"], one["land_class"], one["owner"], one["owner_type"]) == (
        "北区1号", "0601", "城南村", "state")
    assert float(one["area_m2"]) == 10_000.0
    assert one["evaluated_on"] is not None and one["has_readiness"]
    # one entry for the import's INSERT (app.bulk), naming the file and the three plots
    audit = conn.execute("SELECT actor, action, source, row_ids FROM audit_log "
                         "WHERE table_name = 'plots' AND id > %s ORDER BY id",
                         (audit_before,)).fetchall()
    assert [(a["actor"], a["action"], a["source"]) for a in audit] == [
        ("pytest", "insert", "test.shp")]
    assert audit[0]["row_ids"] == sorted(r["id"] for r in rows.values())
    assert [r["action"] for r in report.rows] == ["inserted"] * 3


def test_upsert_updates_by_code_keeps_what_the_file_does_not_map_and_inserts_the_rest(conn):
    site = Site(conn)
    old = site.plot(at=(X, Y + 400), size=100, code="UPS-1", owner="旧村", land_class="0101")
    before = plots(conn, "UPS-")["UPS-1"]
    inc = incoming([(square(X, Y + 400, 120), {"DKBH": "UPS-1", "DLBM": "0602"}),
                    (square(X + 400, Y + 400, 100), {"DKBH": "UPS-2"})])
    report = run(conn, inc, mode="upsert")
    assert report.state == "committed"
    assert (report.counts["updated"], report.counts["inserted"]) == (1, 1)
    after = plots(conn, "UPS-")
    assert after["UPS-1"]["id"] == old.id and after["UPS-1"]["version"] == before["version"] + 1
    assert after["UPS-1"]["land_class"] == "0602" and after["UPS-1"]["owner"] == "旧村"
    assert float(after["UPS-1"]["area_m2"]) == 14_400.0
    assert after["UPS-1"]["computed_at"] > before["computed_at"]
    assert conn.execute("SELECT count(*) AS n FROM audit_log WHERE table_name = 'plots' "
                        "AND row_id = %s AND action = 'update'", (str(old.id),)
                        ).fetchone()["n"] == 1


def _zone(conn, code: str, x0: float, y0: float, size: float) -> int:
    return conn.execute(
        "INSERT INTO zones (park_id, code, name, geom) VALUES (%s, %s, %s, "
        "ST_GeomFromText(%s, 4490)) RETURNING id",
        (park(conn), code, f"zone {code}", polygon_wkt(square(x0, y0, size)))).fetchone()["id"]


def test_replace_in_a_zone_updates_named_plots_retires_the_others_and_leaves_the_rest(conn):
    site = Site(conn)
    _zone(conn, "RZ", X - 50, Y + 800, 700)
    keep = site.plot(at=(X, Y + 900), size=100, code="RPL-1")
    gone = site.plot(at=(X + 200, Y + 900), size=100, code="RPL-2")
    outside = site.plot(at=(X + 1000, Y + 900), size=100, code="RPL-9")
    inc = incoming([(square(X, Y + 900, 100), {"DKBH": "RPL-1", "DKMC": "留"}),
                    (square(X + 400, Y + 900, 100), {"DKBH": "RPL-3"})])
    report = run(conn, inc, mode="replace", zone="RZ")
    assert report.state == "committed", [str(p.text) for p in report.problems]
    assert (report.counts["updated"], report.counts["inserted"], report.counts["deleted"]) == (
        1, 1, 1)
    now = plots(conn, "RPL-")
    assert set(now) == {"RPL-1", "RPL-3", "RPL-9"}
    assert now["RPL-1"]["id"] == keep.id and now["RPL-1"]["name"] == "留"
    assert now["RPL-9"]["id"] == outside.id
    assert conn.execute("SELECT count(*) AS n FROM retired_plots WHERE id = %s",
                        (gone.id,)).fetchone()["n"] == 1
    new_zone = conn.execute("SELECT z.code FROM plots p JOIN zones z ON z.id = p.zone_id "
                            "WHERE p.code = 'RPL-3'").fetchone()
    assert new_zone["code"] == "RZ"


def test_replace_roads_in_a_zone(conn):
    _zone(conn, "RZR", X - 50, Y + 1800, 700)
    conn.execute("INSERT INTO roads (park_id, name, status, geom) VALUES (%s, 'old road', "
                 "'in_service', ST_Multi(ST_Transform(ST_GeomFromText(%s, %s), 4490)))",
                 (park(conn), f"LINESTRING({X} {Y + 1900}, {X + 300} {Y + 1900})", GK_EPSG))
    inc = incoming([(LineString([(X, Y + 2000), (X + 300, Y + 2000)]),
                     {"道路名称": "经一路", "等级": "主干路", "路宽": "24", "状态": "在建"})])
    report = run(conn, inc, layer="roads", mode="replace", zone="RZR")
    assert report.state == "committed" and report.counts["deleted"] == 1
    road = conn.execute("SELECT name, class, width_m, status FROM roads WHERE name = '经一路'"
                        ).fetchone()
    assert road == {"name": "经一路", "class": "arterial", "width_m": 24.0,
                    "status": "under_construction"}
    assert conn.execute("SELECT count(*) AS n FROM roads WHERE name = 'old road'"
                        ).fetchone()["n"] == 0


def test_refused_file_and_dry_run_write_nothing(conn):
    good = (square(X, Y + 3000, 100), {"DKBH": "REF-1"})
    before = table_checksums(conn)
    report = run(conn, incoming([good, (BOW_TIE, {"DKBH": "REF-2"})]))
    assert report.state == "refused"
    assert [r["action"] for r in report.rows] == ["not_written", "refused"]
    assert str(report.summary) == "the file has 1 problems: nothing was imported"
    dry = run(conn, incoming([good]), dry_run=True)
    assert dry.state == "dry_run" and dry.counts["inserted"] == 1
    assert table_checksums(conn) == before


def test_skip_writes_the_good_features_and_says_why_the_others_were_skipped(conn):
    report = run(conn, incoming([(square(X, Y + 3200, 100), {"DKBH": "SKP-1"}),
                                 (BOW_TIE, {"DKBH": "SKP-2"}),
                                 (square(X + 200, Y + 3200, 100), {"DKBH": "SKP-1"})]),
                 treatment="skip")
    assert report.state == "committed"
    assert [r["action"] for r in report.rows] == ["inserted", "skipped", "skipped"]
    assert "self-intersection" in str(report.rows[1]["reasons"][0])
    assert list(plots(conn, "SKP-")) == ["SKP-1"]


def test_repair_writes_the_bow_tie_made_valid(conn):
    report = run(conn, incoming([(BOW_TIE, {"DKBH": "FIX-1"})]), treatment="repair")
    assert report.state == "committed" and report.counts["repaired"] == 1
    assert "ST_MakeValid" in str(report.rows[0]["reasons"][0])
    assert float(plots(conn, "FIX-")["FIX-1"]["area_m2"]) == 5_000.0


def test_a_failure_mid_way_leaves_nothing_half_written(conn):
    # the last feature passes the staging's checks but lies 100 km away: the database's
    # reach rule refuses it after the others were inserted in the same transaction
    before = table_checksums(conn)
    inc = incoming([(square(X + 200 * i, Y + 3600, 100), {"DKBH": f"MID-{i}"})
                    for i in range(3)] + [(square(X + 100_000, Y, 100), {"DKBH": "MID-FAR"})])
    with pytest.raises(AtlasError) as refused:
        run(conn, inc)
    assert "MID-FAR" in str(refused.value) and "reach" in str(refused.value)
    assert table_checksums(conn) == before
