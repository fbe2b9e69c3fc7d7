"""Benchmark issue 15's indicators: every §4.6 indicator of a park of N plots as of one date
(target ≤ 1 s at 100 000 plots), and the 24-month trend (target ≤ 10 s, or cached).

Loads (once; `--reuse` keeps it) a generated park into `parkatlas_bench_indicators`, whose
loader stores every plot's status and readiness as of today, then times, `repeats` times
each, alternating:

  1. `park_indicators(park, today)`: the stored results, as the dashboard reads them;
  2. the status summary of the same day (`/status/summary`: counts and 亩 per stage, flag
     and readiness level over the same stored rows), the obvious lighter aggregate, as the
     yardstick in the same run;
  3. `park_indicators(park, today − 1 year)`: a day with no stored results (the rules
     evaluated for every plot inside the statement), once;

and the 24-month trend as 24 such evaluations, measured when the park has at most
`--trend-plots` plots, else estimated from (3) × 24 and printed as an estimate. Then the
dashboard's way (issue 15 item 2): the month-end snapshots (indicator_snapshots) computed
once, as the nightly `parkatlas recompute` does (timed; `--skip-refresh` reuses what is
stored), and, `repeats` times each, alternating: the trend read from them
(`snapshot.trend`, no refresh) and the whole dashboard (`overview.overview`: today's
indicators, the stored trend, the status summary and the first ten priorities).

Usage: .venv/bin/python -m bench.indicators [--plots 100000] [--repeats 5] [--reuse]
       [--skip-refresh]
"""

from __future__ import annotations

import argparse
import os
import statistics
from datetime import date, timedelta

from app import db, importer, migrations, status
from app.dashboard import overview, snapshot
from app.db import queries
from bench.common import fresh_database, generated, machine, server_url, timed

BENCH_DB = "parkatlas_bench_indicators"


def _spread(times: list[float]) -> str:
    return (f"min {min(times) * 1000:.0f} ms, median {statistics.median(times) * 1000:.0f} ms, "
            f"max {max(times) * 1000:.0f} ms")


def month_ends(last: date, months: int) -> list[date]:
    """The last day of each of `months` months, ending with `last`'s month."""
    ends, day = [], last.replace(day=1) - timedelta(days=1)
    for _ in range(months):
        ends.append(day)
        day = day.replace(day=1) - timedelta(days=1)
    return ends[::-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plots", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--trend-plots", type=int, default=5_000)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--skip-refresh", action="store_true")
    args = parser.parse_args()

    url = server_url(BENCH_DB)
    if not args.reuse:
        data = generated(args.plots, 1)
        url = fresh_database(BENCH_DB)
        with db.connect(url, actor="bench") as conn:
            migrations.upgrade(conn)
            _, seconds = timed(importer.load_dataset, conn, data)
            conn.execute("ANALYZE")
            print(f"loaded {args.plots} plots in {seconds:.1f} s")
    with db.connect(url, actor="bench") as conn:
        print(machine(conn), "| load average before:", os.getloadavg())
        park = conn.execute("SELECT id FROM parks ORDER BY id DESC LIMIT 1").fetchone()["id"]
        plots = conn.execute("SELECT count(*) AS n FROM plots WHERE park_id = %s",
                             [park]).fetchone()["n"]
        today = conn.execute("SELECT park_today(%s) AS d", [park]).fetchone()["d"]
        stored = conn.execute("SELECT max(evaluated_on) AS d FROM plot_status s JOIN plots p "
                              "ON p.id = s.plot_id WHERE p.park_id = %s", [park]).fetchone()["d"]
        if stored and stored != today:  # a reused database loaded on another day: its day
            conn.execute("SELECT set_config('parkatlas.now', %s, false)", [f"{stored} 12:00+08"])
            print(f"the park clock set to {stored}, the day of the stored results "
                  f"(a nightly recompute would store today's)")
            today = stored
        evaluate = queries().indicators.evaluate
        mine, yardstick = [], []
        for _ in range(args.repeats):
            mine.append(timed(lambda: list(evaluate(conn, park_id=park, as_of=today)))[1])
            yardstick.append(timed(status.summary, conn, park, today)[1])
        print(f"park of {plots} plots, as of {today} (stored results):")
        print(f"  park_indicators      {_spread(mine)}")
        print(f"  status summary       {_spread(yardstick)}")
        ratio = statistics.median(mine) / statistics.median(yardstick)
        print(f"  ratio of medians     {ratio:.2f}")
        other = today - timedelta(days=365)
        _, once = timed(lambda: list(evaluate(conn, park_id=park, as_of=other)))
        print(f"  as of {other} (evaluated, no stored results): {once:.2f} s")
        ends = month_ends(today, 24)
        if plots <= args.trend_plots:
            _, trend = timed(lambda: [list(evaluate(conn, park_id=park, as_of=d)) for d in ends])
            print(f"  24-month trend ({ends[0]} … {ends[-1]}): {trend:.2f} s")
        else:
            print(f"  24-month trend: about {once * 24:.0f} s (estimated: 24 × the day above)")
        if not args.skip_refresh:
            done, seconds = timed(snapshot.refresh, conn, park)
            print(f"  month-end snapshots computed (nightly): {len(done)} months in "
                  f"{seconds:.1f} s")
        stored, page = [], []
        for _ in range(args.repeats):
            stored.append(timed(snapshot.trend, conn, park, refresh_first=False)[1])
            page.append(timed(overview.overview, conn, park)[1])
        print(f"  24-month trend, stored  {_spread(stored)}")
        print(f"  whole dashboard         {_spread(page)}")
        print("load average after:", os.getloadavg())


if __name__ == "__main__":
    main()
