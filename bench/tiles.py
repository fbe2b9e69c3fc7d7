"""Benchmark the vector tiles (issue 14) on a generated park of N plots (default 100 000).

Loads (once, `--reuse` keeps it) the park into `parkatlas_bench_tiles`, then, in the same
run, for tiles around random plots at z12, z14 and z16 (the plots layer: the heaviest, with
each plot's stored status and readiness; and the roads and networks at z14):

  1. the tile through the app (Flask test client, a viewer's Bearer token: access rule,
     version check, the tile statement, the response; the tile cache emptied first, so the
     app makes each tile) against the same statement run bare on a connection
     (`app.tiles.tile.statement`), and against a minimal bare ST_AsMVT (the plots' geometry and
     id only, no status), each tile alternately; p50/p95 and min/max; then the same tiles
     through the app again (read from the tile cache up to z14);
  2. 50 concurrent tile clients (threads on 127.0.0.1, each waiting for its answer before
     the next request) against gunicorn (`--workers`, default 4) serving the app: requests
     per second, p50/p99, errors.

The load average is printed before and after: on a shared machine, read the figures with it.

Usage: .venv/bin/python -m bench.tiles [--plots 100000] [--tiles 40] [--requests 3000]
                                       [--reuse] [--db parkatlas_bench_tiles]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import math
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time

from app import db, users
from app.tiles import layer as tile_layers
from app.tiles import tile
from bench.common import ROOT, loaded_park, machine

DB_NAME = "parkatlas_bench_tiles"
TILE_CACHE_MAX_ZOOM = 14  # the app's default (PARKATLAS_TILE_CACHE_MAX_ZOOM)
BARE_SQL = """SELECT ST_AsMVT(m, 'plots', 4096, 'geom', 'id') FROM (
  SELECT p.id, ST_AsMVTGeom(ST_Transform(p.geom, 3857), ST_TileEnvelope(%(z)s, %(x)s, %(y)s),
                            4096, 64, true) AS geom
  FROM plots p WHERE p.geom && ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s,
                                                            margin => 0.015625), 4490)) m"""


def sample_tiles(conn, z: int, count: int, rng: random.Random) -> list[tuple[int, int, int]]:
    """Distinct tiles holding random plots (as many as the park has, up to count)."""
    rows = conn.execute("SELECT ST_X(c) AS x, ST_Y(c) AS y FROM (SELECT ST_PointOnSurface(geom)"
                        " AS c FROM plots TABLESAMPLE SYSTEM (5)) s").fetchall()
    rng.shuffle(rows)
    tiles = list(dict.fromkeys((z, *tile.address(r["x"], r["y"], z)) for r in rows))
    return tiles[:count]


def ms(seconds: list[float]) -> str:
    v = sorted(s * 1000 for s in seconds)
    p95 = v[max(0, math.ceil(len(v) * 0.95) - 1)]
    return (f"p50 {statistics.median(v):7.1f} ms  p95 {p95:7.1f} ms  "
            f"(min {v[0]:.1f}, max {v[-1]:.1f}; {len(v)} tiles)")


def seconds_of(fn, *args) -> float:
    """Seconds a call takes (a statement: until its rows are read)."""
    start = time.perf_counter()
    result = fn(*args)
    if hasattr(result, "fetchall"):
        result.fetchall()
    return time.perf_counter() - start


def compare(conn, client, headers, park: dict, name: str, tiles) -> None:
    """The app against its own statement and the minimal bare ST_AsMVT, tile by tile."""
    layer = tile_layers.TILE_LAYERS[name]
    app_t, sql_t, bare_t, sizes = [], [], [], []

    def through_app(z, x, y):
        response = client.get(f"/tiles/{park['code']}/{park['version']}/{name}/{z}/{x}/{y}.mvt",
                              headers=headers)
        assert response.status_code == 200, response.status_code
        sizes.append(len(response.data))

    for z, x, y in tiles[:3]:  # warm the caches for all three
        through_app(z, x, y)
    conn.execute("DELETE FROM tile_cache")  # the app makes every tile below (app.tiles.cache)
    sizes.clear()
    for z, x, y in tiles:
        statement, values = tile.statement(layer, z), tile.params(layer, park["code"], z, x, y)
        sql_t.append(seconds_of(conn.execute, statement, values))
        app_t.append(seconds_of(through_app, z, x, y))
        if name == "plots":
            bare_t.append(seconds_of(conn.execute, BARE_SQL, {"z": z, "x": x, "y": y}))
    kept = [seconds_of(through_app, z, x, y) for z, x, y in tiles]  # again: kept up to z14
    z = tiles[0][0]
    ratio = statistics.median(app_t) / statistics.median(sql_t)
    print(f"z{z} {name:9s} app        {ms(app_t)}  {statistics.median(sizes) / 1024:.0f} KiB "
          f"median")
    print(f"z{z} {name:9s} its SQL    {ms(sql_t)}  app/SQL ×{ratio:.2f}")
    if bare_t:
        print(f"z{z} {name:9s} bare MVT   {ms(bare_t)}  (geometry and id only)")
    print(f"z{z} {name:9s} app again  {ms(kept)}  (the same tiles: read from the cache up to "
          f"z{TILE_CACHE_MAX_ZOOM}, made again above)", flush=True)


def wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server on port {port} did not start")


@contextlib.contextmanager
def gunicorn(url: str, port: int, workers: int, **settings: str):
    """The app served by gunicorn (sync workers, as `parkatlas serve` runs it in production)
    on 127.0.0.1:`port` while the block runs; `settings`: PARKATLAS_* environment values."""
    env = {**os.environ, "DATABASE_URL": url, "PARKATLAS_ADMIN_DATABASE_URL": url,
           **{f"PARKATLAS_{k}": v for k, v in settings.items()}}
    server = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn
        [os.path.join(os.path.dirname(sys.executable), "gunicorn"), "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "app:create_app()"],
        cwd=ROOT, env=env)
    try:
        wait_for(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def concurrent(url: str, token: str, park: dict, tiles, port: int, workers: int,
               clients: int, requests: int) -> None:
    """`clients` threads share `requests` tile requests against gunicorn on 127.0.0.1."""
    with gunicorn(url, port, workers):
        paths = [f"/tiles/{park['code']}/{park['version']}/plots/{z}/{x}/{y}.mvt"
                 for z, x, y in tiles]
        times, errors, lock = [], [], threading.Lock()
        counter = iter(range(requests))

        def client(seed: int):
            rng = random.Random(seed)
            while True:
                with lock:
                    if next(counter, None) is None:
                        return
                path = rng.choice(paths)
                start = time.perf_counter()
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
                    response = conn.getresponse()
                    response.read()
                    conn.close()
                    ok = response.status == 200
                except OSError as exc:
                    ok, response = False, exc
                with lock:
                    (times if ok else errors).append(time.perf_counter() - start)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
        v = sorted(t * 1000 for t in times)
        p99 = v[max(0, math.ceil(len(v) * 0.99) - 1)] if v else float("nan")
        print(f"{clients} concurrent clients, gunicorn {workers} workers, z14+z16 plot tiles: "
              f"{len(times) / wall:.0f} tiles/s, p50 {statistics.median(v):.0f} ms, "
              f"p99 {p99:.0f} ms, max {v[-1]:.0f} ms, {len(errors)} errors "
              f"({len(times) + len(errors)} requests in {wall:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plots", type=int, default=100_000)
    parser.add_argument("--tiles", type=int, default=40, help="tiles per zoom")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")) + 1)
    parser.add_argument("--reuse", action="store_true", help="reuse the loaded park")
    parser.add_argument("--db", default=DB_NAME, help="the benchmark's database")
    args = parser.parse_args()

    url = loaded_park(args.db, args.plots, args.reuse)
    from app import create_app

    app = create_app({"DATABASE_URL": url, "ADMIN_DATABASE_URL": url, "TESTING": True})
    client = app.test_client()
    rng = random.Random(14)
    with db.connect(url, actor="bench") as conn:
        if conn.execute("SELECT 1 FROM users WHERE username = 'bench-viewer'").fetchone() is None:
            users.add(conn, "bench-viewer", "viewer", users.generate_password())
        token = users.issue_token(conn, "bench-viewer", "bench")
        park = conn.execute("SELECT id, code, data_version AS version FROM parks "
                            "ORDER BY id LIMIT 1").fetchone()
        count = conn.execute("SELECT count(*) AS n FROM plots WHERE park_id = %s",
                             (park["id"],)).fetchone()["n"]
        print(machine(conn), f"; load average {os.getloadavg()[0]:.1f}")
        days = conn.execute("SELECT park_today(%s) AS today, (SELECT max(evaluated_on) FROM "
                            "plot_status) AS stored", (park["id"],)).fetchone()
        print(f"park {park['code']}: {count} plots; today {days['today']}, stored results of "
              f"{days['stored']} (another day: every plot of a tile is evaluated on the spot)")
        headers = {"Authorization": f"Bearer {token}"}
        by_zoom = {z: sample_tiles(conn, z, args.tiles, rng) for z in (12, 14, 16)}
        for tiles in by_zoom.values():
            compare(conn, client, headers, park, "plots", tiles)
        for name in ("roads", "networks"):
            compare(conn, client, headers, park, name, by_zoom[14])
    concurrent(url, token, park, by_zoom[14] + by_zoom[16], args.port, args.workers,
               args.clients, args.requests)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
