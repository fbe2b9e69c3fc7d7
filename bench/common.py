"""What the benchmarks share: a fresh database, generated data, timing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from psycopg import sql

from app import config

ROOT = Path(__file__).resolve().parent.parent


def server_url(dbname: str) -> str:
    """The server under test (DATABASE_URL or the local cluster, as the owner) with another
    database."""
    info = psycopg.conninfo.conninfo_to_dict(os.environ.get("PARKATLAS_ADMIN_DATABASE_URL")
                                             or os.environ.get("DATABASE_URL")
                                             or config.local_admin_url())
    info["dbname"] = dbname
    return psycopg.conninfo.make_conninfo(**info)


def fresh_database(name: str) -> str:
    """Drop and create a database; return its URL."""
    with psycopg.connect(server_url("postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                      .format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return server_url(name)


def generated(plots: int, parks: int) -> Path:
    """A generated data set of that size under var/ (made once, then reused)."""
    data = ROOT / "var" / f"bench-data-{plots}-{parks}"
    if not (data / "P001" / "park.json").exists():
        print(f"generating {plots} plots in {parks} park(s) into {data} ...", flush=True)
        subprocess.run([sys.executable, str(ROOT / "gis_data" / "generate.py"), "--plots",
                        str(plots), "--parks", str(parks), "--out", str(data), "--quiet"],
                       check=True)
    return data


def loaded_park(db_name: str, plots: int, reuse: bool) -> str:
    """The URL of a database holding a generated park of that many plots: the one already
    there with `reuse` (brought to the current schema), else loaded afresh."""
    from app import db, importer, migrations

    url = server_url(db_name)
    if reuse:
        try:
            with db.connect(url, actor="bench") as conn:
                if conn.execute("SELECT count(*) AS n FROM plots").fetchone()["n"] >= plots:
                    migrations.upgrade(conn)
                    return url
        except psycopg.Error:
            pass
    url = fresh_database(db_name)
    with db.connect(url, actor="bench") as conn:
        migrations.upgrade(conn)
        _, seconds = timed(importer.load_dataset, conn, generated(plots, 1))
    print(f"loaded {plots} plots in {seconds:.1f} s")
    return url


def timed(fn, *args, **kwargs):
    """(result, seconds) of a call."""
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def machine(conn) -> str:
    cores = os.cpu_count()
    return f"machine: {cores} cores; PostgreSQL {conn.info.server_version}"
