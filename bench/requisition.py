"""Benchmark: a land-requisition plan of 1 000 plots, computed and exported to every format.

    .venv/bin/python -m bench.requisition [--plots 1000] [--park-plots 10000] [--reuse] [--runs 5]

Loads a generated park (default 10 000 plots) into the database `parkatlas_bench_plan`,
creates a plan of N not-yet-requisitioned plots (a contiguous block, so the map sheet
is a real map), then times:

- computing the plan (areas in GK, the split by price zone, compensation, checks) in
  PostGIS, against the obvious alternative: reading the plots and price zones into
  geopandas and splitting them with `geopandas.overlay`, in the same run;
- writing each export format from the one computed result;
- freezing (submit) and exporting the frozen version again from its stored JSON.

The target of the issue: all formats together in ≤ 10 s on this machine.
"""

from __future__ import annotations

import argparse
import os
import warnings

import geopandas as gpd
import psycopg

from app import db, exporters, importer, migrations, requisition
from app.db import transaction
from bench.api_scale import spread
from bench.common import fresh_database, generated, machine, server_url, timed

DB_NAME = "parkatlas_bench_plan"


def load(park_plots: int, reuse: bool) -> str:
    url = server_url(DB_NAME)
    if reuse:
        try:
            with psycopg.connect(url) as conn:
                if conn.execute("SELECT count(*) FROM plots").fetchone()[0] >= park_plots:
                    return url
        except psycopg.Error:
            pass
    url = fresh_database(DB_NAME)
    data = generated(park_plots, 1)
    with db.connect(url, actor="bench") as conn:
        migrations.upgrade(conn)
        _, seconds = timed(importer.load_dataset, conn, data)
    print(f"loaded {park_plots} plots in {seconds:.1f} s")
    return url


def drop_bench_plans(conn) -> None:
    """Remove the plans of earlier runs, submitted ones too (so `--reuse` runs again and
    again): the triggers that keep a frozen version's plots unchanged are off for this
    one transaction (session_replication_role, which the owner the bench connects as may
    set), so the rows are deleted child first, as the cascade would."""
    with transaction(conn):
        conn.execute("SET LOCAL session_replication_role = replica")
        ids = [r["id"] for r in conn.execute(
            "SELECT id FROM requisition_plans WHERE name LIKE 'bench %'")]
        for table, column in (("plan_plots", "plan_id"), ("plan_versions", "plan_id"),
                              ("requisition_plans", "id")):
            conn.execute(f"DELETE FROM {table} WHERE {column} = ANY(%s)", [ids])


def make_plan(conn, n: int) -> dict:
    """A plan of the n unrequisitioned plots in no other plan nearest to the park's first
    such plot."""
    drop_bench_plans(conn)
    rows = conn.execute("""
        WITH free AS (SELECT id, code, geom_gk FROM plots WHERE requisitioned_on IS NULL
                      -- a plot in another plan would stop the submit (issue 11)
                      AND id NOT IN (SELECT plot_id FROM plan_plots WHERE plot_id IS NOT NULL)),
        seed AS (SELECT geom_gk FROM free ORDER BY code LIMIT 1)
        SELECT f.code FROM free f, seed ORDER BY f.geom_gk <-> seed.geom_gk LIMIT %s""",
                        (n,)).fetchall()
    park_id = conn.execute("SELECT id FROM parks ORDER BY id LIMIT 1").fetchone()["id"]
    codes = [r["code"] for r in rows]
    return requisition.create(conn, park_id, f"bench {n} plots", {"codes": codes}, "bench")


def geopandas_split(url: str, plan_id: int) -> tuple[float, int]:
    """The obvious alternative: read plots and price zones, overlay them in geopandas."""
    # read_postgis works with a psycopg connection; pandas only warns it is untested
    warnings.filterwarnings("ignore", message="pandas only supports SQLAlchemy")
    with psycopg.connect(url) as conn:
        plots = gpd.read_postgis(
            "SELECT p.code, p.geom_gk AS geom FROM plan_plots pp JOIN plots p "
            "ON p.id = pp.plot_id WHERE pp.plan_id = %(id)s", conn, params={"id": plan_id})
        zones = gpd.read_postgis("SELECT code AS zone, geom_gk AS geom FROM price_zones",
                                 conn)
    pieces = gpd.overlay(plots, zones, how="intersection", keep_geom_type=True)
    pieces["area"] = pieces.area
    return float(pieces["area"].sum()), len(pieces)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plots", type=int, default=1000, help="plots in the plan")
    parser.add_argument("--park-plots", type=int, default=10000, help="plots in the park")
    parser.add_argument("--reuse", action="store_true", help="reuse the loaded database")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of check and result")
    args = parser.parse_args(argv)

    url = load(args.park_plots, args.reuse)
    with db.connect(url, actor="bench") as conn:
        print(machine(conn), f"; load average {os.getloadavg()[0]:.1f}")
        plan, t_create = timed(make_plan, conn, args.plots)
        # the first check and result of a new plan: plan_plots' statistics not yet updated
        _, t_check = timed(requisition.check, conn, plan["id"])
        result, t_compute = timed(requisition.compute, conn, plan["id"])
        print(f"create (with its check) {t_create:.3f} s; first check {t_check:.3f} s, "
              f"first result {t_compute:.3f} s")
        checks = [timed(requisition.check, conn, plan["id"])[1] for _ in range(args.runs)]
        computes = [timed(requisition.compute, conn, plan["id"])[1] for _ in range(args.runs)]
        print(f"check:  {spread(checks)}")
        print(f"result: {spread(computes)}")
        print(f"plan of {len(result.plots)} plots ({len(result.excluded)} left out), "
              f"{result.area_m2:,.2f} m², compensation {result.compensation.total:,.2f} 元, "
              f"{len(result.boundary_points)} boundary points")
        print(f"compute in PostGIS (areas, price-zone split, money, checks): {t_compute:.3f} s")
        (gp_area, gp_pieces), t_gp = timed(geopandas_split, url, plan["id"])
        pg_pieces = sum(len(p.pieces) for p in result.plots)
        print(f"price-zone split in geopandas (read + overlay), for comparison: {t_gp:.3f} s "
              f"({gp_pieces} pieces vs {pg_pieces}; area {gp_area:,.2f} vs "
              f"{result.area_m2:,.2f} m²)")

        total = 0.0
        print(f"{'format':<12} {'seconds':>8} {'bytes':>12}")
        for name in exporters.FORMATS:
            data, seconds = timed(exporters.export, result, name)
            if name != "package":  # the package writes the other formats again
                total += seconds
            print(f"{name:<12} {seconds:>8.3f} {len(data):>12,}")
        print(f"{'all formats':<12} {total:>8.3f}   (each file once, without the package; "
              "target ≤ 10 s)")

        _, t_submit = timed(requisition.submit, conn, plan["id"], plan["version"], "bench")
        frozen, t_frozen = timed(requisition.compute, conn, plan["id"], 1)
        assert frozen.compensation == result.compensation
        print(f"submit (compute + freeze as JSON): {t_submit:.3f} s; "
              f"reload the frozen version: {t_frozen:.3f} s")


if __name__ == "__main__":
    main()
