"""Benchmark OGC API Features: an items page of 1 000 plots through the app vs the bare SQL.

In one run, on the demo park (400 plots: the page holds them all) and on a generated park
(default 100 000 plots, `--plots 0` to skip), each timed `--repeat` times:

  1. bare SQL: `ST_AsGeoJSON` of the same rows (the first 1 000 plots by id with their
     properties, stage, flags and readiness: the stored rows of today, joined plainly)
     as one JSON text, fetched by the client;
  2. the app's own SQL for the page (app.ogc.items.page: the layer's status and readiness
     as of today, the count and the next/prev cursors), and the part of it spent in
     `plot_status_as_of` / `plot_readiness_as_of` (app.layers, being rewritten by i14-asof);
  3. the app over HTTP: GET /ogc/collections/plots/items?limit=1000 with a Bearer token,
     served by a real WSGI server on 127.0.0.1 (werkzeug, threaded);
  4. a deep page: the 1 000 plots after the id of the 90th percentile, by keyset (`after`)
     through /ogc, and by OFFSET through /api/v1/plots.

Target (issue 14): the app's page ≤ 1.5 × the bare SQL.

Usage: .venv/bin/python -m bench.ogc [--plots 100000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading

import requests

from app import create_app, db, importer, migrations, users
from app.ogc import collections, items
from bench.common import fresh_database, generated, machine, timed

# The same rows and properties as the app's page, the plain way: the plot features joined
# to their stored status and readiness of the park's today.
BARE = """SELECT json_build_object('type', 'FeatureCollection', 'features', json_agg(
  json_build_object('type', 'Feature', 'id', f.id,
                    'geometry', ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Transform(f.geom, 4326)),
                                             9)::json,
                    'properties', f.properties || jsonb_build_object(
                      'stage', s.stage, 'flags', s.flags, 'level', r.level,
                      'level_name', r.level_name, 'level_name_en', r.level_name_en,
                      'serviced', r.serviced, 'evaluated_on', s.evaluated_on))
  ORDER BY f.id))::text AS doc
FROM (SELECT id, geom, properties FROM plot_features WHERE park_id = %(park)s
      AND id > %(after)s ORDER BY id LIMIT 1000) AS f
JOIN plot_status s ON s.plot_id = f.id AND s.evaluated_on = park_today(%(park)s)
JOIN plot_readiness r ON r.plot_id = f.id AND r.evaluated_on = park_today(%(park)s)"""
AS_OF = """SELECT (SELECT count(*) FROM plot_status_as_of(%(park)s, park_today(%(park)s))),
                  (SELECT count(*) FROM plot_readiness_as_of(%(park)s, park_today(%(park)s)))"""


def _stats(times: list[float]) -> tuple[float, float, float]:
    ms = [t * 1000 for t in times]
    return min(ms), statistics.median(ms), max(ms)


def _line(name: str, times: list[float], base: list[float] | None = None) -> str:
    low, mid, high = _stats(times)
    ratio = f"  ×{mid / statistics.median([t * 1000 for t in base]):.2f} of bare SQL" \
        if base else ""
    return f"  {name:44} min {low:8.1f}  median {mid:8.1f}  max {high:8.1f} ms{ratio}"


def _repeat(fn, n: int) -> list[float]:
    fn()  # warm
    return [timed(fn)[1] for _ in range(n)]


def _serve(url: str) -> str:
    from werkzeug.serving import make_server

    application = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "PUBLIC_READ": False})
    server = make_server("127.0.0.1", 0, application, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def _park(url: str, label: str, repeat: int) -> None:
    with db.connect(url, actor="bench") as conn:
        park = conn.execute("SELECT min(id) AS id FROM parks").fetchone()["id"]
        n = conn.execute("SELECT count(*) AS n FROM plots WHERE park_id = %s", [park]
                         ).fetchone()["n"]
        if not conn.execute("SELECT 1 FROM users WHERE username = 'bench-viewer'").fetchone():
            users.add(conn, "bench-viewer", "viewer", "bench-viewer-pass-1")
        token = users.issue_token(conn, "bench-viewer")
        ids = [r["id"] for r in conn.execute(
            "SELECT id FROM plots WHERE park_id = %s ORDER BY id", [park])]
        deep = ids[int(len(ids) * 0.9)] if len(ids) > 2000 else 0
        print(f"{label}: {n} plots; load average {os.getloadavg()[0]:.2f}")
        collection = collections.get(conn, "plots", "viewer")
        bare = _repeat(lambda: conn.execute(BARE, {"park": park, "after": 0}).fetchone(), repeat)
        query = items.Query(limit=1000, park_id=park)
        own = _repeat(lambda: items.page(conn, collection, query), repeat)
        base = _serve(url)
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"

        def get(path: str) -> None:
            response = session.get(base + path, timeout=300)
            response.raise_for_status()
            assert response.content.startswith(b"{")
        page = f"/ogc/collections/plots/items?limit=1000&park={park}&f=json"
        http = _repeat(lambda: get(page), repeat)
        as_of = _repeat(lambda: conn.execute(AS_OF, {"park": park}).fetchone(), repeat)
        print(_line("bare SQL (ST_AsGeoJSON of the rows)", bare))
        print(_line("app SQL (app.ogc.items.page)", own, bare))
        print(_line("  of which plot_status/readiness_as_of", as_of, bare))
        print(_line("app over HTTP (/ogc … items?limit=1000)", http, bare))
        if deep:
            bare_deep = _repeat(lambda: conn.execute(
                BARE, {"park": park, "after": deep}).fetchone(), repeat)
            keyset = _repeat(lambda: get(f"{page}&after={deep}"), repeat)
            offset = _repeat(lambda: get(f"/api/v1/plots?park={park}&limit=1000"
                                         f"&offset={int(len(ids) * 0.9)}"), repeat)
            print(_line("deep page, bare SQL", bare_deep))
            print(_line("deep page, /ogc keyset (after=)", keyset, bare_deep))
            print(_line("deep page, /api/v1 OFFSET", offset, bare_deep))
        print(f"  load average after: {os.getloadavg()[0]:.2f}")


def _database(name: str, data=None) -> str:
    url = fresh_database(name)
    with db.connect(url, actor="bench") as conn:
        migrations.upgrade(conn)
        loaded, seconds = timed(importer.load_dataset, conn, *([data] if data else []))
        conn.execute("VACUUM ANALYZE")
        print(machine(conn), f"(loaded {sum(p['plots'] for p in loaded)} plots in "
                             f"{seconds:.1f} s)")
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plots", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    _park(_database("parkatlas_bench_ogc_demo"), "demo park", args.repeat)
    if args.plots:
        _park(_database("parkatlas_bench_ogc", generated(args.plots, 1)),
              "generated park", args.repeat)


if __name__ == "__main__":
    main()
