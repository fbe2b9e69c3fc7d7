"""Benchmark the API at scale (issue 14 item 4) on a generated park of 100 000 plots.

Loads (once; --reuse keeps it) one generated park into `parkatlas_bench_scale`, then times,
in the same run, through the app (Flask's test client with a Bearer token: routing, the
access check, the SQL and the JSON serialisation; no network) and against the bare SQL:

  1. a 250 m bbox through /api/v1/plots vs the bare SQL of the same plots with the same
     properties, written as GeoJSON text by PostgreSQL (the honest comparison: target
     ≤ 1.5×), and vs the bare `geom && bbox` alone; the sides alternate window by window;
  2. the same bbox with as_of another date (every plot in it evaluated on the spot), and
     with If-None-Match (a 304);
  3. a deep page of the plot list: offset=N vs after=<key of the plot before it> vs the
     bare SQL of that page, and the first page;
  4. the size of a page of 1 000 plots, plain and gzipped;
  5. last (the longest): /status/summary and /readiness/priority, today and as of another
     date (the whole park): the first answer (computed; 503 `computing` waited out) and
     the kept answers read back (app/answers.py). `--whole-only` runs this part alone.

Prints min/median/max and the load average before and after.

Usage: .venv/bin/python -m bench.api_scale [--plots 100000] [--windows 30] [--reuse]
                                          [--whole-only | --no-whole]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import statistics
import time

from app import create_app, db, importer, migrations, params, users
from bench.common import fresh_database, generated, machine, server_url, timed

BENCH_DB = "parkatlas_bench_scale"
OTHER_DAY = "2027-06-01"
# The bare SQL of a page, for the honest comparison: the plots' features with the same
# properties as the app's (plot_features, the stored status and readiness of the park's
# today joined plainly), written as GeoJSON by PostgreSQL into one text that the client
# fetches as it is. `where` and `tail` pick the plots.
BARE = """SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(
  json_build_object('type', 'Feature', 'id', f.id,
                    'geometry', ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Transform(f.geom, 4326)),
                                             9)::json,
                    'properties', f.properties || jsonb_build_object(
                      'stage', s.stage, 'flags', s.flags, 'level', r.level,
                      'level_name', r.level_name, 'level_name_en', r.level_name_en,
                      'serviced', r.serviced, 'evaluated_on', s.evaluated_on))
  ORDER BY {order}), '[]'))::text AS doc
FROM (SELECT id, code, geom, properties FROM plot_features f WHERE f.park_id = %(park)s
      AND {where} {tail}) AS f
JOIN plot_status s ON s.plot_id = f.id AND s.evaluated_on = park_today(%(park)s)
JOIN plot_readiness r ON r.plot_id = f.id AND r.evaluated_on = park_today(%(park)s)"""
ENVELOPE = "ST_MakeEnvelope(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, 4490)"
BARE_BBOX = BARE.format(order="f.code", where=f"f.geom && {ENVELOPE}", tail="")
# a page of 1 000 plots after a code (the list's order within one park)
BARE_PAGE = BARE.format(order="f.code", where="f.code > %(after)s",
                        tail="ORDER BY f.code LIMIT 1000")
# the bare `geom && bbox` alone: the ids of the plots in the window
BARE_IDS = f"SELECT id FROM plots WHERE park_id = %(park)s AND geom && {ENVELOPE}"


def _load() -> str:
    return "{:.1f} {:.1f} {:.1f} (1, 5, 15 min)".format(*os.getloadavg())


def spread(times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return (f"min {min(ms):8.1f}  median {statistics.median(ms):8.1f}  max {max(ms):8.1f} ms"
            f"  ({len(ms)} runs)")


def windows(conn, count: int, rng: random.Random) -> list[tuple]:
    """Random 250 m × 250 m windows (lon/lat) centred on random plots."""
    ids = [r["id"] for r in conn.execute("SELECT id FROM plots")]
    rows = conn.execute("SELECT ST_X(c) AS x, ST_Y(c) AS y FROM (SELECT ST_Centroid(geom) AS c "
                        "FROM plots WHERE id = ANY(%s)) s", [rng.sample(ids, count)]).fetchall()
    half = 125 / 111_320
    return [(r["x"] - half * 1.15, r["y"] - half, r["x"] + half * 1.15, r["y"] + half)
            for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plots", type=int, default=100_000)
    parser.add_argument("--windows", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3, help="runs of each whole-park answer")
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run")
    parser.add_argument("--first-runs", type=int, default=3,
                        help="whole-park answers computed afresh, each")
    parser.add_argument("--whole-only", action="store_true",
                        help="only the whole-park answers (part 5)")
    parser.add_argument("--no-whole", action="store_true",
                        help="skip the whole-park answers (part 5)")
    args = parser.parse_args()

    data = generated(args.plots, 1)
    url = server_url(BENCH_DB) if args.reuse else fresh_database(BENCH_DB)
    with db.connect(url, actor="bench") as conn:
        migrations.upgrade(conn)
        if not args.reuse:
            _loaded, load_s = timed(importer.load_dataset, conn, data)
            print(f"loaded {args.plots} plots in {load_s:.1f} s")
        conn.execute("VACUUM ANALYZE")
        park = conn.execute("SELECT id FROM parks ORDER BY id LIMIT 1").fetchone()["id"]
        total = conn.execute("SELECT count(*) AS n FROM plots").fetchone()["n"]
        print(machine(conn) + f"; {total} plots; load average " + _load())
        if not conn.execute("SELECT 1 FROM users WHERE username = 'bench-viewer'").fetchone():
            users.add(conn, "bench-viewer", "viewer")
        token = users.issue_token(conn, "bench-viewer", "bench")
        boxes = windows(conn, args.windows, random.Random(14))

        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "DB_POOL_MAX": 2})
        client = app.test_client()
        auth = {"Authorization": f"Bearer {token}"}

        def get(path: str, **headers):
            response = client.get(path, headers={**auth, **headers})
            assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
            return response

        def bare(sql: str, box) -> None:
            conn.execute(sql, {"park": park, **dict(zip(("minx", "miny", "maxx", "maxy"), box,
                                                          strict=True))}).fetchall()

        if args.whole_only:
            whole_park(client, auth, conn, args.runs, args.first_runs)
            print("load average " + _load())
            return
        bbox = [",".join(f"{v:.7f}" for v in box) for box in boxes]
        get(f"/api/v1/plots?bbox={bbox[0]}")  # warm the pool and the caches
        times = {k: [] for k in ("app", "bare", "ids", "other", "304")}
        counts = []
        for box, text in zip(boxes, bbox, strict=True):  # the sides alternate window by window
            url = f"/api/v1/plots?park={park}&bbox={text}"
            fc = json.loads(get(url).data)
            times["app"].append(timed(get, url)[1])
            times["bare"].append(timed(bare, BARE_BBOX, box)[1])
            times["ids"].append(timed(bare, BARE_IDS, box)[1])
            times["other"].append(timed(get, f"{url}&as_of={OTHER_DAY}")[1])
            tag = {"If-None-Match": client.get(url, headers=auth).headers["ETag"]}
            not_modified, seconds = timed(client.get, url, headers={**auth, **tag})
            assert not_modified.status_code == 304
            times["304"].append(seconds)
            counts.append(fc["numberReturned"])
        ratio = [a / b for a, b in zip(times["app"], times["bare"], strict=True)]
        print(f"250 m bbox ({min(counts)}–{max(counts)} plots, median "
              f"{statistics.median(counts):.0f}), {len(boxes)} windows, load {_load()}:")
        print(f"  app /plots?bbox                    {spread(times['app'])}")
        print(f"  bare SQL, same GeoJSON (text)      {spread(times['bare'])}")
        print(f"  bare geom && bbox alone (ids)      {spread(times['ids'])}")
        print(f"  ratio app / bare GeoJSON           median {statistics.median(ratio):.2f}×  "
              f"min {min(ratio):.2f}×  max {max(ratio):.2f}× (paired by window)")
        print(f"  app /plots?bbox&as_of={OTHER_DAY}  {spread(times['other'])}")
        print(f"  app /plots?bbox, If-None-Match     {spread(times['304'])}")

        # a deep page: the 1000 plots after the first `deep`, by offset and by key
        deep = total - 1000
        key = conn.execute("SELECT park_id, code FROM plots ORDER BY park_id, code "
                           "OFFSET %s LIMIT 1", [deep - 1]).fetchone()
        after = params.cursor_text([key["park_id"], key["code"]])
        deep_times = {k: [] for k in ("offset", "key", "bare", "first", "bare first")}
        for _ in range(args.runs):  # alternating
            by_offset, seconds = timed(get, f"/api/v1/plots?limit=1000&offset={deep}")
            deep_times["offset"].append(seconds)
            by_key, seconds = timed(get, f"/api/v1/plots?limit=1000&after={after}")
            deep_times["key"].append(seconds)
            deep_times["bare"].append(timed(conn.execute, BARE_PAGE,
                                            {"park": park, "after": key["code"]})[1])
            deep_times["first"].append(timed(get, "/api/v1/plots?limit=1000")[1])
            deep_times["bare first"].append(timed(conn.execute, BARE_PAGE,
                                                  {"park": park, "after": ""})[1])
        assert json.loads(by_offset.data)["features"] == json.loads(by_key.data)["features"]
        print(f"page of 1000 at offset {deep}         {spread(deep_times['offset'])}")
        print(f"the same page by after=<key>         {spread(deep_times['key'])}")
        print(f"  bare SQL, same GeoJSON (text)      {spread(deep_times['bare'])}")
        print(f"the first page of 1000               {spread(deep_times['first'])}")
        print(f"  bare SQL, same GeoJSON (text)      {spread(deep_times['bare first'])}")

        page = get("/api/v1/plots?limit=1000")
        zipped = get("/api/v1/plots?limit=1000", **{"Accept-Encoding": "gzip"})
        assert json.loads(gzip.decompress(zipped.data)) == json.loads(page.data)
        print(f"a page of 1000 plots: {len(page.data) / 1e6:.2f} MB plain, "
              f"{len(zipped.data) / 1e6:.2f} MB gzipped; "
              f"If-None-Match → {get_status(client, auth, page.headers['ETag'])}")
        if not args.no_whole:
            whole_park(client, auth, conn, args.runs, args.first_runs)

    print("load average " + _load())


def whole_park(client, auth: dict, conn, runs: int, first_runs: int) -> None:
    """The whole-park answers (app/answers.py): the first one computed, `first_runs` times
    (the kept answers forgotten before each; a 503 `computing` is waited out as its
    Retry-After says, as the pages do), then `runs` answers read back from park_answers."""
    for path in ("/api/v1/status/summary", f"/api/v1/status/summary?as_of={OTHER_DAY}",
                 "/api/v1/readiness/priority",
                 f"/api/v1/readiness/priority?as_of={OTHER_DAY}"):
        firsts, computed, busy = [], [], 0
        for _ in range(first_runs):
            conn.execute("DELETE FROM park_answers")
            started = time.perf_counter()
            while (response := client.get(path, headers=auth)).status_code == 503:
                busy += 1
                time.sleep(int(response.headers["Retry-After"]))
            assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
            firsts.append(time.perf_counter() - started)
            computed.append(conn.execute("SELECT seconds FROM park_answers").fetchone()["seconds"])
        again = [timed(client.get, path, headers=auth)[1] for _ in range(runs)]
        print(f"{path}\n  first (computed):  {spread(firsts)}; {busy} × 503 computing; the "
              f"computation alone {spread(computed)}\n  kept:              {spread(again)}",
              flush=True)


def get_status(client, auth: dict, tag: str) -> int:
    return client.get("/api/v1/plots?limit=1000",
                      headers={**auth, "If-None-Match": tag}).status_code


if __name__ == "__main__":
    main()
