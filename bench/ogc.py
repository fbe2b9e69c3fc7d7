"""Benchmark OGC API Features: an items page of 1 000 plots through the app vs the bare SQL.

In one run, on the demo park (400 plots: the page holds them all) and on a generated park
(default 100 000 plots, `--plots 0` to skip; `--reuse`: the one bench.api_scale loaded into
parkatlas_bench_scale), each timed `--repeat` times, the sides in turn (one run of each,
then again), so that the shared machine's load hits them alike:

  1. bare SQL: `ST_AsGeoJSON` of the same rows (the first 1 000 plots by id with their
     properties, stage, flags and readiness: the stored rows of today, joined plainly)
     as one JSON text, fetched by the client;
  2. the app's own SQL for the page (app.ogc.items.page: the layer's status and readiness
     as of today, the count and the next/prev cursors), and the page's own
     `plot_status_as_of` / `plot_readiness_as_of` (the set forms) alone;
  3. the app over HTTP: GET /ogc/collections/plots/items?limit=1000 with a Bearer token,
     served by a real WSGI server on 127.0.0.1 (werkzeug, threaded);
  4. a deep page: the 1 000 plots after the id of the 90th percentile, by keyset (`after`)
     through /ogc, and by OFFSET through /api/v1/plots.

Target (issue 14): the app's page ≤ 1.5 × the bare SQL.

Usage: .venv/bin/python -m bench.ogc [--plots 100000] [--repeat 15] [--reuse]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import threading

import requests

from app import create_app, db, importer, migrations, users
from app.ogc import collections, items
from bench import api_scale
from bench.common import fresh_database, loaded_park, machine, timed

# The same rows and properties as the app's page, the plain way (bench.api_scale.BARE):
# the plot features joined to their stored status and readiness of the park's today.
BARE = api_scale.BARE.format(order="f.id", where="f.id > %(after)s",
                             tail="ORDER BY f.id LIMIT 1000")
# the page's own status and readiness as of today (the set forms, app.layers)
AS_OF = """SELECT (SELECT count(*) FROM plot_status_as_of(%(park)s, park_today(%(park)s), %(ids)s)),
                  (SELECT count(*) FROM plot_readiness_as_of(%(park)s, park_today(%(park)s),
                                                             %(ids)s))"""


def _stats(times: list[float]) -> tuple[float, float, float]:
    ms = [t * 1000 for t in times]
    return min(ms), statistics.median(ms), max(ms)


def _line(name: str, times: list[float], base: list[float] | None = None) -> str:
    low, mid, high = _stats(times)
    ratio = f"  ×{mid / statistics.median([t * 1000 for t in base]):.2f} of bare SQL" \
        if base else ""
    return f"  {name:44} min {low:8.1f}  median {mid:8.1f}  max {high:8.1f} ms{ratio}"


def _alternate(fns: dict, n: int) -> dict[str, list[float]]:
    """Each function timed n times, one after the other in turn (the machine's load hits
    every side alike), after a warming call each."""
    for fn in fns.values():
        fn()
    times = {name: [] for name in fns}
    for _ in range(n):
        for name, fn in fns.items():
            times[name].append(timed(fn)[1])
    return times


def _serve(url: str) -> str:
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request

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
        query = items.Query(limit=1000, park_id=park)
        page_ids = ids[:1000]
        base = _serve(url)
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"

        def get(path: str) -> None:
            response = session.get(base + path, timeout=300)
            response.raise_for_status()
            assert response.content.startswith(b"{")
        page = f"/ogc/collections/plots/items?limit=1000&park={park}&f=json"
        times = _alternate({
            "bare": lambda: conn.execute(BARE, {"park": park, "after": 0}).fetchone(),
            "own": lambda: items.page(conn, collection, query),
            "as_of": lambda: conn.execute(AS_OF, {"park": park, "ids": page_ids}).fetchone(),
            "http": lambda: get(page)}, repeat)
        bare = times["bare"]
        print(_line("bare SQL (ST_AsGeoJSON of the rows)", bare))
        print(_line("app SQL (app.ogc.items.page)", times["own"], bare))
        print(_line("  of which the page's status/readiness", times["as_of"], bare))
        print(_line("app over HTTP (/ogc … items?limit=1000)", times["http"], bare))
        if deep:
            deep_times = _alternate({
                "bare": lambda: conn.execute(BARE, {"park": park, "after": deep}).fetchone(),
                "keyset": lambda: get(f"{page}&after={deep}"),
                "offset": lambda: get(f"/api/v1/plots?park={park}&limit=1000"
                                      f"&offset={int(len(ids) * 0.9)}")}, repeat)
            print(_line("deep page, bare SQL", deep_times["bare"]))
            print(_line("deep page, /ogc keyset (after=)", deep_times["keyset"],
                        deep_times["bare"]))
            print(_line("deep page, /api/v1 OFFSET", deep_times["offset"], deep_times["bare"]))
        print(f"  load average after: {os.getloadavg()[0]:.2f}")


def _database(name: str) -> str:
    url = fresh_database(name)
    with db.connect(url, actor="bench") as conn:
        migrations.upgrade(conn)
        loaded, seconds = timed(importer.load_dataset, conn)
        conn.execute("VACUUM ANALYZE")
        print(machine(conn), f"(loaded {sum(p['plots'] for p in loaded)} plots in "
                             f"{seconds:.1f} s)")
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plots", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--reuse", action="store_true",
                        help=f"the generated park already in {api_scale.BENCH_DB}")
    args = parser.parse_args()
    _park(_database("parkatlas_bench_ogc_demo"), "demo park", args.repeat)
    if args.plots:
        _park(loaded_park(api_scale.BENCH_DB, args.plots, args.reuse), "generated park",
              args.repeat)


if __name__ == "__main__":
    main()
