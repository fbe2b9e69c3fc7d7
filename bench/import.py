"""Benchmark issue 13's target: import 100 000 plots from a GeoPackage through ParkAtlas,
and in the same run through `ogr2ogr -f PostgreSQL` into a scratch table; the ratio and
the import process's peak memory. Then, optionally, `parkatlas load` of a generated park.

Makes a fresh database `parkatlas_bench_import100k` holding the demo park (its statistics
taken, as in a database in use), generates N square plots beside the demo's (GK zone 38,
EPSG:4526; bench/imports.py's), writes them once as a GeoPackage, and times, alternating,
`repeats` times each:

  1. ogr2ogr -f PostgreSQL of the GeoPackage into a scratch table, transformed to
     EPSG:4490 (no checks, no audit, no recompute);
  2. `parkatlas import plots <file>.gpkg --park JSCY` in a child process: the reading of
     the file (app.imports.sources), the staging and every validation query, the INSERT
     with its triggers (GK copy, reach, lifecycle, overlap), the bulk audit entry, the
     statistics and the recompute of the new plots, the import run's record. Its peak
     memory is the child's maxrss (os.wait4). The plots are deleted after each run.

With --load N: `parkatlas load` of a generated N-plot park (gis_data/generate.py) into a
fresh database holding the demo park (the issue's 59× case), once.

CPU seconds as well as wall time (the machine is shared: the wall clock measures the queue
for the CPU as much as the work): the client's (ogr2ogr, or the parkatlas child: its
rusage) and the server's, the database processes' CPU over the run read from /proc for the
postmaster and its reaped children (the run's backend, and whatever else of this cluster
ended meanwhile: an autovacuum worker), when the server is local and readable.

Usage: .venv/bin/python -m bench.import [--features 100000] [--repeats 3] [--load 100000]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from app import db, importer, migrations
from bench.common import ROOT, fresh_database, generated, machine
from bench.imports import geojson_file, ogr2ogr, spread, squares

BENCH_DB = "parkatlas_bench_import100k"
LOAD_DB = "parkatlas_bench_load100k"
PARKATLAS = str(ROOT / ".venv" / "bin" / "parkatlas")


def demo_database(name: str) -> str:
    """A fresh database with the demo park loaded and analysed."""
    url = fresh_database(name)
    with db.connect(url, actor="bench") as conn:
        migrations.upgrade(conn)
        importer.load_dataset(conn, importer.DEMO_DIR)
        conn.execute("ANALYZE")
    return url


def geopackage(features, folder: Path) -> Path:
    path = folder / "plots.gpkg"
    subprocess.run(["ogr2ogr", "-f", "GPKG", str(path), str(geojson_file(features, folder)),
                    "-nln", "plots"], check=True, env=_env())
    return path


def _env(url: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DXF_ENCODING"}
    if url:
        env["PARKATLAS_ADMIN_DATABASE_URL"] = env["DATABASE_URL"] = url
    return env


def child(args: list[str], url: str) -> tuple[float, float, str]:
    """(seconds, peak memory in MiB, output) of a parkatlas command in a child process."""
    start = time.perf_counter()
    proc = subprocess.Popen([PARKATLAS, *args], env=_env(url), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    out = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"parkatlas {' '.join(args)} failed:\n{out[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, out


def _postmaster(conn) -> Path | None:
    """/proc/<pid>/stat of the server's postmaster, when it runs on this machine."""
    try:
        folder = conn.execute("SELECT current_setting('data_directory') AS d").fetchone()["d"]
        pid = (Path(folder) / "postmaster.pid").read_text().split()[0]
    except (OSError, IndexError, db.psycopg.Error):
        return None
    stat = Path("/proc") / pid / "stat"
    return stat if stat.exists() else None


def _server_cpu(stat: Path | None) -> float:
    """CPU seconds of the postmaster and its reaped children (utime, stime, cutime, cstime)."""
    if stat is None:
        return float("nan")
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _settled(conn) -> None:
    """Wait until the other sessions have ended and been reaped (their CPU then counts in
    the postmaster's cutime)."""
    for _ in range(100):
        if not conn.execute("SELECT count(*) AS n FROM pg_stat_activity WHERE backend_type = "
                            "'client backend' AND pid <> pg_backend_pid()").fetchone()["n"]:
            break
        time.sleep(0.05)
    time.sleep(0.3)


def measured(conn, stat: Path | None, run, *args):
    """(result, wall seconds, client CPU, server CPU) of `run(*args)`, which runs child
    processes."""
    _settled(conn)
    client, server = _children_cpu(), _server_cpu(stat)
    start = time.perf_counter()
    result = run(*args)
    seconds = time.perf_counter() - start
    _settled(conn)
    return result, seconds, _children_cpu() - client, _server_cpu(stat) - server


def bench_import(features: int, repeats: int) -> None:
    url = demo_database(BENCH_DB)
    times: dict[str, list[float]] = {"ogr2ogr": [], "import": []}
    cpu: dict[str, list[tuple[float, float]]] = {"ogr2ogr": [], "import": []}
    memory: list[float] = []
    with tempfile.TemporaryDirectory() as tmp, db.connect(url, actor="bench") as conn:
        print(machine(conn))
        stat = _postmaster(conn)
        path = geopackage(squares(features), Path(tmp))
        for _ in range(repeats):
            _, seconds, client, server = measured(conn, stat, ogr2ogr, url, path)
            times["ogr2ogr"].append(seconds)
            cpu["ogr2ogr"].append((client, server))
            (_, mib, out), seconds, client, server = measured(
                conn, stat, child, ["import", "plots", str(path), "--park", "JSCY"], url)
            times["import"].append(seconds)
            cpu["import"].append((client, server))
            memory.append(mib)
            print(f"  run: ogr2ogr {times['ogr2ogr'][-1]:.2f} s (CPU {_cpu(cpu['ogr2ogr'][-1])}), "
                  f"import {seconds:.2f} s (CPU {_cpu(cpu['import'][-1])}); load average "
                  f"{os.getloadavg()[0]:.1f}", flush=True)
            assert f"inserted {features}" in out, out[-2000:]
            audit = conn.execute("SELECT count(*) AS n, max(cardinality(row_ids)) AS ids "
                                 "FROM audit_log WHERE table_name = 'plots' AND "
                                 "source LIKE '%%plots.gpkg'").fetchone()
            with conn.transaction():
                conn.execute("DELETE FROM plots WHERE code LIKE 'BENCH-%'")
            conn.execute("VACUUM ANALYZE plots")
    load = os.getloadavg()
    print(f"{features} plots from a GeoPackage, {repeats} runs each, into a database holding "
          f"the demo park; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"  {'ogr2ogr -f PostgreSQL (transform only)':60} {spread(times['ogr2ogr'])}")
    print(f"  {'parkatlas import (read, validate, insert, audit, recompute)':60} "
          f"{spread(times['import'])}")
    for name, label in (("ogr2ogr", "ogr2ogr CPU (client + server)"),
                        ("import", "parkatlas import CPU (client + server)")):
        print(f"  {label:60} {spread([c + s for c, s in cpu[name]])}")
    ratio = statistics.median(times["import"]) / statistics.median(times["ogr2ogr"])
    cpu_ratio = statistics.median([c + s for c, s in cpu["import"]]) / \
        statistics.median([c + s for c, s in cpu["ogr2ogr"]])
    print(f"  ratio (medians) {ratio:.2f}× wall, {cpu_ratio:.2f}× CPU; "
          f"import peak memory max {max(memory):.0f} MiB; "
          f"bulk audit entries {audit['n']} (last holds {audit['ids']} ids)")


def _cpu(pair: tuple[float, float]) -> str:
    return f"{pair[0]:.2f} + {pair[1]:.2f} = {sum(pair):.2f} s"


def bench_load(plots: int) -> None:
    data = generated(plots, 1)
    url = demo_database(LOAD_DB)
    seconds, mib, _out = child(["load", str(data)], url)
    with db.connect(url) as conn:
        size = conn.execute("SELECT pg_size_pretty(pg_total_relation_size('audit_log')) AS s"
                            ).fetchone()["s"]
    load = os.getloadavg()
    print(f"parkatlas load of a generated {plots}-plot park into a database holding the demo "
          f"park: {seconds:.1f} s, peak memory {mib:.0f} MiB, audit_log {size}; load average "
          f"{load[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--load", type=int, default=0, help="also time parkatlas load")
    args = parser.parse_args()
    if args.features:
        bench_import(args.features, args.repeats)
    if args.load:
        bench_load(args.load)


if __name__ == "__main__":
    main()
