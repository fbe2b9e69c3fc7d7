"""The park map at scale (issue 14 item 2): vector tiles against today's GeoJSON page.

Loads (once; `--reuse` keeps it) a generated park of N plots (gis_data/generate.py) into
the database `parkatlas_bench_map` with a viewer account, serves the app on 127.0.0.1
twice — `PARKATLAS_MAP_TILES=on` and `off` — and drives Debian's headless Chromium
(Playwright) through the map page of each, in the same run:

  1. first plots drawn after navigation: on tiles the first plot tile drawn
     (performance mark `parkatlas:first-plot-tile`), on GeoJSON the plots drawn after every
     page of /api/v1/plots arrived (`data-loaded`), with a time limit (`--geojson-limit`);
     then every plot tile of the view drawn, and every tile layer shown (plots, roads,
     projects) drawn: the view is drawn;
  2. once the view is drawn, a pan (a third of the screen) and a zoom in, each until
     repainted: on tiles until the plot layer's `load` (every tile of the new view drawn),
     on GeoJSON two animation frames after the move (Leaflet redraws its SVG on moveend);
  3. the JS heap in use (DevTools Runtime.getHeapUsage) after the first drawing, garbage
     included, and after the moves and a forced collection.

Views: the whole park (the page's default, the worst case for tiles: every plot at low
zoom) and a working view at zoom 16. On tiles each is opened once with the tile cache
emptied (its tiles made by the app) and then `--runs` times with the tiles the first run
kept (the GeoJSON page `--geojson-runs` times), each in a fresh browser context (no HTTP
cache). The app is served by gunicorn with `--workers` sync workers, as in production.
Prints min/median/max and the load average.

Usage: .venv/bin/python -m bench.map [--plots 100000] [--runs 3] [--reuse] [--workers 4]
       [--geojson-runs 1] [--geojson-limit 120] [--skip-geojson]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import psycopg

from app import db, importer, migrations, users
from bench.common import fresh_database, generated, machine, server_url
from bench.tiles import gunicorn

BENCH_DB = "parkatlas_bench_map"
USER = ("bench-map-viewer", "bench-map-viewer-pw")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update"]

PAN_TILES = """async () => {
  const pa = ParkAtlas.current, tiles = pa.tileLayers.plots;
  const t0 = performance.now();
  const done = new Promise(resolve => tiles.once('load', resolve));
  pa.map.%s;
  await new Promise(r => requestAnimationFrame(r));
  if (!tiles._noTilesToLoad()) { await done; }  // else every tile was there already
  return performance.now() - t0;
}"""
PAN_GEOJSON = """async () => {
  const pa = ParkAtlas.current;
  const t0 = performance.now();
  pa.map.%s;
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return performance.now() - t0;
}"""
EVERY_LAYER_LOADED = """(() => {
  const c = document.querySelector('.folium-map');
  return Array.from(c.attributes).every(a => !/^data-tiles-[a-z.]+$/.test(a.name) ||
                                            a.value === 'loaded');
})()"""
MOVES = {"pan": "panBy([Math.round(pa.map.getSize().x / 3), 0], {animate: false})",
         "zoom": "setZoom(pa.map.getZoom() + 1, {animate: false})"}


def _plot_count(url: str) -> int:
    """The plots of the bench database; 0 when it does not exist yet."""
    try:
        with db.connect(url) as conn:
            return conn.execute("SELECT count(*) AS n FROM plots").fetchone()["n"]
    except psycopg.OperationalError:
        return 0


def prepare(plots: int, reuse: bool) -> str:
    """The bench database with the generated park and the viewer; its URL."""
    url = server_url(BENCH_DB)
    if reuse and _plot_count(url) >= plots:
        with db.connect(url, actor="bench") as conn:
            migrations.upgrade(conn)  # a database loaded by an earlier schema
        return url
    data = generated(plots, 1)
    url = fresh_database(BENCH_DB)
    with db.connect(url, actor="bench") as conn:
        migrations.upgrade(conn)
        start = time.perf_counter()
        importer.load_dataset(conn, data)
        print(f"loaded {plots} plots in {time.perf_counter() - start:.0f} s", flush=True)
        users.add(conn, USER[0], "viewer", USER[1])
        conn.execute("VACUUM ANALYZE")
    return url


def serve(url: str, tiles: str, port: int, workers: int):
    """The app with PARKATLAS_MAP_TILES=`tiles` served by gunicorn (`workers` sync workers, as
    in production) on 127.0.0.1:`port` while the block runs: its base URL."""
    return gunicorn(url, port, workers, MAP_TILES=tiles, DB_POOL_MAX="4")


def forget_tiles(url: str) -> None:
    """Empty the tile cache (app.tiles.cache): the next run's tiles are made afresh."""
    with db.connect(url, actor="bench") as conn:
        conn.execute("DELETE FROM tile_cache")


def heap_mib(page, collect: bool = True) -> float:
    """The JS heap in use, after a forced collection when `collect` (which also throws away
    compiled code, so a move right after it would pay for compiling the page's code again:
    the heap before the moves is read without one, garbage included)."""
    cdp = page.context.new_cdp_session(page)
    if collect:
        cdp.send("HeapProfiler.enable")
        cdp.send("HeapProfiler.collectGarbage")
    return cdp.send("Runtime.getHeapUsage")["usedSize"] / 2**20


def one_run(browser, base: str, path: str, tiles: bool, limit_s: float) -> dict:
    """Open the map at `path` once in a fresh context; the figures of that run."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(limit_s * 1000)
    outside = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)
    # log in to a static page: the map behind a plain login would keep the server busy
    # making the park's tiles while the measured page loads
    page.goto(base + "/login?next=/static/favicon.svg")
    page.fill("input[name=username]", USER[0])
    page.fill("input[name=password]", USER[1])
    with page.expect_navigation():
        page.click("button[type=submit]")
    result = {"outside": outside}
    start = time.monotonic()
    page.goto(base + path, wait_until="commit")
    ready = ("(() => { const c = document.querySelector('.folium-map'); return c && "
             + ("c.getAttribute('data-tiles-plots') === 'loaded'" if tiles else
                "c.getAttribute('data-loaded') === 'true'") + "; })()")
    while not page.evaluate(ready):
        if time.monotonic() - start > limit_s:
            result["timeout"] = round(time.monotonic() - start)
            result["requests"] = sum("/api/v1/plots" in u for u in page.evaluate(
                "performance.getEntriesByType('resource').map(e => e.name)"))
            context.close()
            return result
        page.wait_for_timeout(50)
    if tiles:
        result["first"] = page.evaluate(
            "performance.getEntriesByName('parkatlas:first-plot-tile')[0].startTime")
        result["plots"] = (time.monotonic() - start) * 1000
        # the view is drawn when every tile layer shown (roads, projects…) has loaded too:
        # a move before that queues behind their tiles
        while not page.evaluate(EVERY_LAYER_LOADED):
            page.wait_for_timeout(20)
        result["all"] = (time.monotonic() - start) * 1000
    else:
        result["first"] = result["plots"] = result["all"] = (time.monotonic() - start) * 1000
    result["bytes"] = page.evaluate(
        "performance.getEntriesByType('resource').reduce((s, e) => s + e.transferSize, 0)")
    result["heap"] = heap_mib(page, collect=False)
    for name, move in MOVES.items():
        result[name] = page.evaluate((PAN_TILES if tiles else PAN_GEOJSON) % move)
    result["heap_after"] = heap_mib(page)
    context.close()
    return result


def spread(values: list[float], unit: str = "ms") -> str:
    if not values:
        return "—"
    return (f"min {min(values):8.0f}  median {statistics.median(values):8.0f}  "
            f"max {max(values):8.0f} {unit}")


def report(label: str, runs: list[dict]) -> None:
    done = [r for r in runs if "timeout" not in r]
    print(f"  {label}")
    for r in runs:
        if "timeout" in r:
            print(f"    gave up after {r['timeout']} s: not drawn yet, "
                  f"{r['requests']} plot API requests so far")
    if not done:
        return
    print(f"    first plots drawn   {spread([r['first'] for r in done])}")
    print(f"    every plot tile     {spread([r['plots'] for r in done])}")
    print(f"    every layer drawn   {spread([r['all'] for r in done])}")
    print(f"    pan repainted       {spread([r['pan'] for r in done])}")
    print(f"    zoom repainted      {spread([r['zoom'] for r in done])}")
    print(f"    JS heap (no GC)     {spread([r['heap'] for r in done], 'MiB')}")
    print(f"    JS heap after moves {spread([r['heap_after'] for r in done], 'MiB')} (after a GC)")
    print(f"    transferred         {spread([r['bytes'] / 2**20 for r in done], 'MiB')}")
    print(f"    requests to other hosts: {sum(len(r['outside']) for r in done)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plots", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep a loaded bench database")
    parser.add_argument("--geojson-limit", type=float, default=120,
                        help="seconds to wait for the GeoJSON page before giving up")
    parser.add_argument("--geojson-runs", type=int, default=1,
                        help="runs of the GeoJSON page per view (it is slow)")
    parser.add_argument("--skip-geojson", action="store_true")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn's sync workers")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")) + 2)
    parser.add_argument("--chromium", default=os.environ.get("PARKATLAS_CHROMIUM",
                                                             "/usr/bin/chromium"))
    args = parser.parse_args()
    url = prepare(args.plots, args.reuse)
    with db.connect(url) as conn:
        print(machine(conn))
        centre = conn.execute("""SELECT ST_X(c) AS x, ST_Y(c) AS y FROM (
            SELECT ST_Centroid(ST_Extent(geom)::geometry) AS c FROM plots) s""").fetchone()
    views = {"whole park (default view)": "/",
             "working view, zoom 16": f"/?z=16&lat={centre['y']:.6f}&lng={centre['x']:.6f}"}
    from playwright.sync_api import sync_playwright
    modes = [("on", True)] + ([] if args.skip_geojson else [("off", False)])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, headless=True,
                                             args=CHROMIUM_ARGS)
        for setting, tiles in modes:
            with serve(url, setting, args.port, args.workers) as base:
                count = args.runs if tiles else args.geojson_runs
                print(f"PARKATLAS_MAP_TILES={setting} "
                      f"({'vector tiles' if tiles else 'GeoJSON, as before'}), "
                      f"{args.plots} plots, 1440×900, gunicorn {args.workers} workers, "
                      f"{count} run(s) each", flush=True)
                for label, path in views.items():
                    if not tiles:
                        report(label, [one_run(browser, base, path, tiles, args.geojson_limit)
                                       for _ in range(count)])
                        continue
                    forget_tiles(url)  # the first run makes the view's tiles, the others
                    runs = [one_run(browser, base, path, tiles, args.geojson_limit)
                            for _ in range(count + 1)]  # read them from the tile cache
                    report(label + ": tiles made (tile cache empty)", runs[:1])
                    report(label + ": tiles kept (made by the first run)", runs[1:])
        browser.close()
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
