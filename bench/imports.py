"""Benchmark the import's staging, validation and commit (issue 13) against ogr2ogr.

Makes a fresh database `parkatlas_bench_import` with the demo park, generates N square
plots (GK zone 38, EPSG:4526, beside the demo's), writes them once as a GeoJSON file, and
times, in the same run and alternating, `repeats` times each:

  1. ogr2ogr -f PostgreSQL of that file into a scratch table, transformed to EPSG:4490
     (the GIS specialist's way: no checks, no audit, no recompute);
  2. ParkAtlas staging and validation (app.imports.commit.validate: one COPY, the
     transform, every problem query — overlaps with the park and within the file, codes,
     areas, land classes — and the preview), writing nothing;
  3. the full commit (app.imports.commit.run, insert: the same, then the INSERT with its
     triggers, the audit and the recompute of the new plots), whose rows are then deleted.

The file's reading is the readers' (app.imports.sources, another part of issue 13): here
the features are handed over as an Incoming built from the same coordinates.

Usage: .venv/bin/python -m bench.imports [--features 20000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from shapely.geometry import Polygon

from app import db, importer, migrations
from app.errors import Text
from app.imports import commit, mapping
from app.imports.incoming import Feature, Incoming
from bench.common import fresh_database, machine

BENCH_DB = "parkatlas_bench_import"
GK_EPSG = 4526
X0, Y0 = 38_410_000.0, 3_263_000.0  # east and north of the demo park's plots
SIZE, STEP = 15.0, 20.0


def squares(n: int) -> list[tuple[list, dict]]:
    out = []
    for i in range(n):
        x, y = X0 + STEP * (i % 200), Y0 + STEP * (i // 200)
        ring = [(x, y), (x + SIZE, y), (x + SIZE, y + SIZE), (x, y + SIZE), (x, y)]
        out.append((ring, {"DKBH": f"BENCH-{i}", "DLBM": "0601", "MJ": SIZE * SIZE,
                           "QSDWMC": "城南村"}))
    return out


def geojson_file(features, folder: Path) -> Path:
    path = folder / "plots.geojson"
    path.write_text(json.dumps({
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": f"EPSG:{GK_EPSG}"}},
        "features": [{"type": "Feature", "properties": p,
                      "geometry": {"type": "Polygon", "coordinates": [r]}}
                     for r, p in features]}, ensure_ascii=False), encoding="utf-8")
    return path


def ogr2ogr(url: str, path: Path) -> None:
    info = db.psycopg.conninfo.conninfo_to_dict(url)
    pg = " ".join(f"{k}={info[k]}" for k in ("host", "port", "dbname", "user", "password")
                  if k in info)
    env = {k: v for k, v in os.environ.items() if k != "DXF_ENCODING"}
    subprocess.run(["ogr2ogr", "-f", "PostgreSQL", f"PG:{pg}", str(path), "-nln",
                    "ogr_scratch", "-overwrite", "-s_srs", f"EPSG:{GK_EPSG}", "-t_srs",
                    "EPSG:4490", "-lco", "GEOMETRY_NAME=geom", "-nlt", "MULTIPOLYGON"],
                   check=True, env=env)


def incoming(features) -> Incoming:
    return Incoming("geojson", None, [], [
        Feature(n, Text("feature %(n)d", n=n), Polygon(r), p)
        for n, (r, p) in enumerate(features, 1)], crs=GK_EPSG)


def spread(values: list[float]) -> str:
    return (f"min {min(values):.2f} s, median {statistics.median(values):.2f} s, "
            f"max {max(values):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    url = fresh_database(BENCH_DB)
    with db.connect(url, actor="bench") as conn:
        migrations.upgrade(conn)
        importer.load_dataset(conn, importer.DEMO_DIR)
        park = conn.execute("SELECT id FROM parks ORDER BY id LIMIT 1").fetchone()["id"]
        print(machine(conn))
        features = squares(args.features)
        chosen = mapping.guess("plots", list(features[0][1]))
        times = {"ogr2ogr": [], "validate": [], "commit": []}
        with tempfile.TemporaryDirectory() as tmp:
            path = geojson_file(features, Path(tmp))
            for _ in range(args.repeats):
                start = time.perf_counter()
                ogr2ogr(url, path)
                times["ogr2ogr"].append(time.perf_counter() - start)
                start = time.perf_counter()
                _preview, report = commit.validate(conn, park, "plots", incoming(features),
                                                   chosen, GK_EPSG, commit.Options())
                times["validate"].append(time.perf_counter() - start)
                assert not report.problems, report.problems[:3]
                start = time.perf_counter()
                done = commit.run(conn, park, "plots", incoming(features), chosen, GK_EPSG,
                                  commit.Options(file_name=path.name))
                times["commit"].append(time.perf_counter() - start)
                assert done.counts["inserted"] == args.features, done.counts
                conn.execute("DELETE FROM plots WHERE code LIKE 'BENCH-%'")
        load = os.getloadavg()
    print(f"{args.features} plots, {args.repeats} runs each, load average "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    for name, label in (("ogr2ogr", "ogr2ogr -f PostgreSQL (transform only)"),
                        ("validate", "ParkAtlas staging + validation (dry run)"),
                        ("commit", "ParkAtlas commit (validation, insert, audit, recompute)")):
        print(f"  {label:58} {spread(times[name])}")
    base = statistics.median(times["ogr2ogr"])
    print(f"  ratio to ogr2ogr (medians): validation "
          f"{statistics.median(times['validate']) / base:.1f}×, commit "
          f"{statistics.median(times['commit']) / base:.1f}×")


if __name__ == "__main__":
    main()
