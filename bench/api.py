"""Benchmark the foundation: loading a large park, bbox queries, and GK areas.

Generates (once) N plots over K parks with gis_data/generate.py, loads them into a fresh
database `parkatlas_bench` on the server under test, then times, in the same run:

  1. the set-based loader (plots per second, triggers and audit included);
  2. the API's plot query for random 500 m × 500 m windows, with the GiST index and,
     for comparison, with index scans disabled (what a missing index would cost);
  3. the total GK area of every plot: the stored `area_m2` column summed in SQL versus
     the obvious alternative, geopandas reading the plots and projecting them itself.

Usage: .venv/bin/python -m bench.api [--plots 100000] [--parks 4] [--queries 200]
"""

from __future__ import annotations

import argparse
import random
import statistics

import geopandas as gpd
import psycopg

from app import db, importer, layers, migrations, params
from bench.common import fresh_database, generated, machine, timed

BENCH_DB = "parkatlas_bench"


def _windows(conn, count: int, rng: random.Random) -> list[tuple]:
    """Random ~500 m windows (lon/lat) inside random plots' surroundings."""
    ids = [r["id"] for r in conn.execute("SELECT id FROM plots")]
    chosen = rng.sample(ids, min(count, len(ids)))
    rows = conn.execute("""SELECT ST_X(c) AS x, ST_Y(c) AS y, park_id FROM (
                             SELECT ST_Centroid(geom) AS c, park_id FROM plots
                             WHERE id = ANY(%s)) s""", [chosen]).fetchall()
    half_lat = 250 / 111_320
    return [(r["park_id"], (r["x"] - half_lat * 1.15, r["y"] - half_lat,
                            r["x"] + half_lat * 1.15, r["y"] + half_lat)) for r in rows]


def _query_times(conn, windows) -> list[float]:
    times = []
    page = params.Page(limit=10000, offset=0)
    for park_id, bbox in windows:
        _fc, seconds = timed(layers.search, conn, layers.LAYERS["plots"], park_id, bbox, page)
        times.append(seconds)
    return times


def _summary(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[int(len(ms) * 0.95) - 1]
    return f"median {statistics.median(ms):7.2f} ms   p95 {p95:7.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plots", type=int, default=100_000)
    parser.add_argument("--parks", type=int, default=4)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()

    data = generated(args.plots, args.parks)
    url = fresh_database(BENCH_DB)
    with db.connect(url, actor="bench") as conn:
        migrations.upgrade(conn)
        loaded, seconds = timed(importer.load_dataset, conn, data)
        n_plots = sum(p["plots"] for p in loaded)
        n_net = sum(p["networks"] for p in loaded)
        conn.execute("VACUUM ANALYZE")
        print(machine(conn))
        print(f"load      {n_plots} plots + {n_net} network features in {seconds:6.1f} s "
              f"({n_plots / seconds:,.0f} plots/s, audit and GK triggers included)")

        windows = _windows(conn, args.queries, random.Random(7))
        _query_times(conn, windows[:10])  # warm the cache for both runs
        indexed = _query_times(conn, windows)
        conn.execute("SET enable_indexscan = off; SET enable_bitmapscan = off")
        seqscan = _query_times(conn, windows)
        conn.execute("RESET enable_indexscan; RESET enable_bitmapscan")
        print(f"bbox 500 m, GiST index     {_summary(indexed)}  ({len(windows)} queries)")
        print(f"bbox 500 m, sequential     {_summary(seqscan)}  "
              f"(x{statistics.median(seqscan) / statistics.median(indexed):.0f} slower)")

        total, sql_s = timed(lambda: conn.execute(
            "SELECT sum(area_m2) AS a FROM plots").fetchone()["a"])
        park_epsg = {r["id"]: r["gk_epsg"] for r in conn.execute("SELECT id, gk_epsg FROM parks")}

    def geopandas_area():
        with psycopg.connect(url) as gconn:
            rows = gconn.execute("SELECT park_id, ST_AsBinary(geom) FROM plots").fetchall()
        frame = gpd.GeoDataFrame({"park_id": [r[0] for r in rows]},
                                 geometry=gpd.GeoSeries.from_wkb([r[1] for r in rows]),
                                 crs=4490)
        return sum(part.to_crs(park_epsg[pid]).area.sum()
                   for pid, part in frame.groupby("park_id"))

    gp_total, gp_s = timed(geopandas_area)
    print(f"GK area of all plots, SQL (stored)   {sql_s * 1000:8.1f} ms   "
          f"{total / 666.667:,.1f} 亩")
    print(f"GK area of all plots, geopandas      {gp_s * 1000:8.1f} ms   "
          f"{gp_total / 666.667:,.1f} 亩 (x{gp_s / sql_s:.0f} slower)")
    assert abs(gp_total - total) < 1e-6 * total, "the two area totals disagree"


if __name__ == "__main__":
    main()
