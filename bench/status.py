"""Benchmark the land-status engine: full and incremental recompute, and readiness in
PostGIS against a straightforward geopandas implementation of the same rule.

Generates (once) one park of N plots (default 100 000, with ~0.56 network segments per
plot), loads it into a fresh database `parkatlas_bench_status`, then times:

  1. the full recompute of every plot's status and readiness (`parkatlas recompute`);
  2. incremental recomputes: editing one plot, and one network segment, each a single
     transaction with its triggers (median of 20 edits);
  3. the readiness rule alone in PostGIS, and the same rule in geopandas (sjoin with
     `dwithin` for available/planned, sjoin_nearest for missing), on the same data, and
     checks that the two agree plot by plot.

Usage: .venv/bin/python -m bench.status [--plots 100000]
"""

from __future__ import annotations

import argparse
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


def readiness_in_parallel(url: str, park_id: int, chunks: list[list[int]]) -> list:
    """The readiness rule over the park split across one connection per chunk."""
    def run(ids):
        with db.connect(url) as conn:
            return conn.execute("SELECT plot_id FROM evaluate_readiness(%s, current_date, %s)",
                                [park_id, ids]).fetchall()
    with ThreadPoolExecutor(max_workers=len(chunks)) as pool:
        return [row for rows in pool.map(run, chunks) for row in rows]


def _median_ms(times: list[float]) -> str:
    return f"median {statistics.median(times) * 1000:7.1f} ms, max {max(times) * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plots", type=int, default=100_000)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the data loaded by an earlier run (only migrate)")
    args = parser.parse_args()

    data = generated(args.plots, 1)
    url = server_url(BENCH_DB) if args.reuse else fresh_database(BENCH_DB)
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
        print(machine(conn))
        print(f"park: {counts['plots']} plots, {counts['segments']} network segments, "
              f"{counts['roads']} roads" + (f" (loaded with a first recompute in {load_s:.1f} s)"
                                            if load_s else " (loaded by an earlier run)"))

    full = [status.recompute(url, workers=2)["seconds"] for _ in range(2)]
    print(f"full recompute, 2 connections   {min(full):7.2f} s  (runs: "
          + ", ".join(f"{s:.2f}" for s in full) + ")")

    with db.connect(url, actor="bench") as conn:
        plot_ids = [r["id"] for r in conn.execute("SELECT id FROM plots")]
        seg_ids = [r["id"] for r in conn.execute("SELECT id FROM networks WHERE geom_gk IS NOT NULL"
                                                 " AND GeometryType(geom) <> 'POINT'")]
        plot_times, seg_times, touched = [], [], []
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
                    return conn.execute("SELECT count(*) AS n FROM plot_readiness "
                                        "WHERE computed_at = now()").fetchone()["n"]
            n, seconds = timed(edit_segment)
            seg_times.append(seconds)
            touched.append(n)
        print(f"incremental, edit one plot       {_median_ms(plot_times)}")
        print(f"incremental, move one segment    {_median_ms(seg_times)}  "
              f"(recomputes {statistics.median(touched):.0f} plots in reach, median)")

        sql_rows, sql_s = timed(lambda: conn.execute(
            "SELECT plot_id, utilities FROM evaluate_readiness(%s, current_date)",
            [park["id"]]).fetchall())
        ordered = [r["id"] for r in queries().plot_ids(conn, park_id=park["id"])]  # geohash
        halves = [ordered[: len(ordered) // 2], ordered[len(ordered) // 2:]]
        distances = {r["utility"]: r["distance_m"] for r in conn.execute(
            "SELECT utility, distance_m FROM service_distances(%s)", [park["id"]])}
        (plots, feats), read_s = timed(load_frames, conn, park["id"], park["epsg"])
    _rows, sql2_s = timed(readiness_in_parallel, url, park["id"], halves)
    gp, gp_s = timed(geopandas_readiness, plots, feats, distances)
    print(f"readiness rule, PostGIS, 1 connection   {sql_s:7.2f} s")
    print(f"readiness rule, PostGIS, 2 connections  {sql2_s:7.2f} s  (as `parkatlas recompute` "
          f"splits the plots)")
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


if __name__ == "__main__":
    main()
