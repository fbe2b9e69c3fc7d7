"""Benchmark the land-status engine: full and incremental recompute, and readiness in
PostGIS against a straightforward geopandas implementation of the same rule.

Generates (once) one park of N plots (default 100 000, with ~0.56 network segments per
plot), loads it into a fresh database `parkatlas_bench_status`, then times:

  1. rebuilding from scratch the stored data the rule reads besides the plots and
     networks themselves: the road pieces (roads cut into pieces of ≤ 200 m, kept by
     triggers), so that the recompute below is not credited with work done elsewhere;
  2. the full recompute of every plot's status and readiness (`parkatlas recompute`);
  3. incremental recomputes: editing one plot, one network segment, and one road, each a
     single transaction with its triggers (median of 20 edits);
  4. the readiness rule alone in PostGIS, and the same rule in geopandas (sjoin with
     `dwithin` for available/planned, sjoin_nearest for missing), on the same data, and
     checks that the two agree plot by plot.

The load average is printed before and after: on a shared machine, read the figures with it.

Usage: .venv/bin/python -m bench.status [--plots 100000] [--reuse] [--database NAME]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
from concurrent.futures import ThreadPoolExecutor

import geopandas as gpd
import pandas as pd

from app import db, importer, migrations, status
from app.db import queries
from bench.common import fresh_database, generated, machine, server_url, timed

BENCH_DB = "parkatlas_bench_status"
UTILITIES = ("road", "water", "drainage", "power", "telecom", "gas", "heat")


def _frame(conn, query: str, epsg: int) -> gpd.GeoDataFrame:
    rows = conn.execute(query).fetchall()
    frame = pd.DataFrame([{k: v for k, v in r.items() if k != "wkb"} for r in rows])
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries.from_wkb([r["wkb"] for r in rows]),
                            crs=epsg)


def load_frames(conn, park_id: int, epsg: int):
    """Plots and infrastructure of a park as GeoDataFrames in its GK CRS."""
    plots = _frame(conn, f"SELECT id, ST_AsBinary(geom_gk) AS wkb FROM plots "
                         f"WHERE park_id = {park_id}", epsg)
    feats = _frame(conn, f"""SELECT utility, status, planned_completion, ST_AsBinary(geom_gk) AS wkb
                             FROM networks WHERE park_id = {park_id}
                             UNION ALL SELECT 'road', status, planned_completion,
                                              ST_AsBinary(geom_gk) FROM roads
                             WHERE park_id = {park_id}""", epsg)
    return plots, feats


def geopandas_readiness(plots: gpd.GeoDataFrame, feats: gpd.GeoDataFrame,
                        distances: dict) -> dict:
    """The readiness rule in geopandas: {(plot id, utility): (state, distance_m)}."""
    result = {}
    for utility in UTILITIES:
        d = distances[utility]
        mine = feats[feats["utility"] == utility]
        live, pending = mine[mine["status"] == "in_service"], mine[mine["status"] != "in_service"]
        near_live = gpd.sjoin(plots, live, predicate="dwithin", distance=d)
        available = set(near_live["id"])
        near_pending = gpd.sjoin(plots, pending, predicate="dwithin", distance=d)
        planned = set(near_pending["id"]) - available
        rest = plots[~plots["id"].isin(available | planned)]
        nearest = gpd.sjoin_nearest(rest, live, distance_col="distance_m")
        nearest = nearest.groupby("id")["distance_m"].min()
        for pid in available:
            result[(pid, utility)] = ("available", None)
        for pid in planned:
            result[(pid, utility)] = ("planned", None)
        for pid, dist in nearest.items():
            result[(pid, utility)] = ("missing", dist)
    return result


READINESS = "SELECT * FROM evaluate_readiness(%s, current_date, %s::int[])"


def run_in_server(conn, sql: str, params: list) -> float:
    """Plan and run a query in the server, every output column computed (the planner
    leaves out what a query does not ask for) but no row sent: seconds, as the server
    counts them."""
    plan = conn.execute("EXPLAIN (ANALYZE, TIMING OFF, SUMMARY, FORMAT JSON) " + sql,
                        params).fetchone()["QUERY PLAN"][0]
    return (plan["Planning Time"] + plan["Execution Time"]) / 1000


def readiness_in_parallel(url: str, park_id: int, chunks: list[list[int]],
                          workers: int = 2) -> None:
    """The readiness rule over the park's chunks, on `workers` connections at a time."""
    def run(ids):
        with db.connect(url) as conn:
            run_in_server(conn, READINESS, [park_id, ids])
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(run, chunks))


def _median_ms(times: list[float]) -> str:
    return f"median {statistics.median(times) * 1000:7.1f} ms, max {max(times) * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--plots", type=int, default=100_000)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the data loaded by an earlier run (only migrate)")
    parser.add_argument("--database", default=BENCH_DB,
                        help=f"the database to (re)create or reuse (default {BENCH_DB})")
    args = parser.parse_args()

    data = generated(args.plots, 1)
    url = server_url(args.database) if args.reuse else fresh_database(args.database)
    rng = random.Random(11)
    with db.connect(url, actor="bench") as conn:
        migrations.upgrade(conn)
        load_s = 0.0
        if not args.reuse:
            _loaded, load_s = timed(importer.load_dataset, conn, data)
        conn.execute("VACUUM ANALYZE")
        park = conn.execute("SELECT id, gk_epsg_prefixed AS epsg FROM parks").fetchone()
        counts = conn.execute("""SELECT (SELECT count(*) FROM plots) AS plots,
                                        (SELECT count(*) FROM networks) AS segments,
                                        (SELECT count(*) FROM roads) AS roads""").fetchone()
        print(machine(conn) + "; load average " + _load())
        print(f"park: {counts['plots']} plots, {counts['segments']} network segments, "
              f"{counts['roads']} roads" + (f" (loaded with a first recompute in {load_s:.1f} s)"
                                            if load_s else " (loaded by an earlier run)"))
        pieces, pieces_s = timed(lambda: conn.execute(
            "SELECT rebuild_road_pieces() AS n").fetchone()["n"])
        conn.execute("ANALYZE road_pieces")
        print(f"road pieces rebuilt from scratch   {pieces_s:7.2f} s  ({pieces} pieces of "
              f"{counts['roads']} roads; kept by triggers, not by the recompute)")

    full = [status.recompute(url, workers=2)["seconds"] for _ in range(2)]
    print(f"full recompute, 2 connections   {min(full):7.2f} s  (runs: "
          + ", ".join(f"{s:.2f}" for s in full) + ")")

    with db.connect(url, actor="bench") as conn:
        plot_ids = [r["id"] for r in conn.execute("SELECT id FROM plots")]
        seg_ids = [r["id"] for r in conn.execute("SELECT id FROM networks WHERE geom_gk IS NOT NULL"
                                                 " AND GeometryType(geom) <> 'POINT'")]
        road_ids = [r["id"] for r in conn.execute("SELECT id FROM roads")]
        plot_times, seg_times, touched, road_times = [], [], [], []
        for pid in rng.sample(plot_ids, args.edits):
            def edit_plot(pid=pid):
                with conn.transaction():
                    conn.execute("UPDATE plots SET annual_tax = coalesce(annual_tax, 0) + 1 "
                                 "WHERE id = %s", [pid])
            plot_times.append(timed(edit_plot)[1])
        for sid in rng.sample(seg_ids, args.edits):
            def edit_segment(sid=sid):
                with conn.transaction():
                    conn.execute("UPDATE networks SET geom = ST_Translate(geom, 0.0001, 0) "
                                 "WHERE id = %s", [sid])
                    return conn.execute("SELECT now() AS t").fetchone()["t"]
            stamp, seconds = timed(edit_segment)
            seg_times.append(seconds)
            # counted after the timed transaction (a scan of the whole table)
            touched.append(conn.execute("SELECT count(*) AS n FROM plot_readiness "
                                        "WHERE computed_at = %s", [stamp]).fetchone()["n"])
        for rid in rng.sample(road_ids, min(args.edits, len(road_ids))):
            def edit_road(rid=rid):
                with conn.transaction():  # its pieces are rebuilt, its plots recomputed
                    conn.execute("UPDATE roads SET geom = ST_Translate(geom, 0.00001, 0) "
                                 "WHERE id = %s", [rid])
            road_times.append(timed(edit_road)[1])
        print(f"incremental, edit one plot       {_median_ms(plot_times)}")
        print(f"incremental, move one segment    {_median_ms(seg_times)}  "
              f"(recomputes {statistics.median(touched):.0f} plots in reach, median)")
        print(f"incremental, move one road       {_median_ms(road_times)}  "
              f"(a whole road, by ~1 m: every plot along it)")

        sql_s = run_in_server(conn, READINESS, [park["id"], None])
        sql_rows, fetch_s = timed(lambda: conn.execute(READINESS, [park["id"], None]).fetchall())
        ordered = [r["id"] for r in queries().plots.ids(conn, park_id=park["id"])]  # geohash
        size = -(-len(ordered) // 8)  # as status.recompute cuts a park for 2 workers
        chunks = [ordered[i:i + size] for i in range(0, len(ordered), size)]
        distances = {r["utility"]: r["distance_m"] for r in conn.execute(
            "SELECT utility, distance_m FROM service_distances(%s)", [park["id"]])}
        (plots, feats), read_s = timed(load_frames, conn, park["id"], park["epsg"])
    _none, sql2_s = timed(readiness_in_parallel, url, park["id"], chunks)
    gp, gp_s = timed(geopandas_readiness, plots, feats, distances)
    print(f"readiness rule, PostGIS, 1 connection   {sql_s:7.2f} s  (in the server; "
          f"{fetch_s:.2f} s with the rows read into Python)")
    print(f"readiness rule, PostGIS, 2 connections  {sql2_s:7.2f} s  (as `parkatlas recompute` "
          f"splits the plots; in the server)")
    print(f"readiness rule, geopandas               {gp_s:7.2f} s  (+ {read_s:.2f} s to read "
          f"the data; 1 core, as GEOS runs)")

    disagree = 0
    for row in sql_rows:
        for utility, value in row["utilities"].items():
            state, dist = gp.get((row["plot_id"], utility), ("missing", None))
            same = state == value["state"] and (
                state != "missing" or dist is None or abs(dist - value["distance_m"]) < 1e-3)
            disagree += not same
    print(f"agreement: {len(sql_rows) * len(UTILITIES) - disagree} of "
          f"{len(sql_rows) * len(UTILITIES)} plot-utility results identical")
    print("load average " + _load())


def _load() -> str:
    return "{:.1f} {:.1f} {:.1f} (1, 5, 15 min)".format(*os.getloadavg())


if __name__ == "__main__":
    main()
