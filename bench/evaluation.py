"""Benchmark the 亩均效益 evaluation (issue 15 item 3) on a generated park of N plots.

Times, `repeats` times each, alternating:

  1. `evaluate_enterprises(park, year)`: the ranking and classes, read only;
  2. `evaluation.keep(park, year)`: the same evaluation written as the year's rows (delete
     and insert in one transaction, audited), as `parkatlas evaluate` does;
  3. `evaluation.ranked(park, filters)`: the page's read of a kept year;
  4. the yardstick in the same run: the obvious hand query, the operating plots' tax per
     亩 ranked plot by plot (no grouping by project, no score, no classes).

Usage: .venv/bin/python -m bench.evaluation [--plots 20000] [--repeats 5] [--reuse]
       [--database parkatlas_bench_evaluation]
"""

from __future__ import annotations

import argparse
import os
import statistics

from app import db
from app.evaluation import evaluation
from bench.common import loaded_park, machine, timed

YARDSTICK = """
SELECT p.id, p.annual_tax / m2_to_mu(p.area_m2) AS tax_per_mu,
       rank() OVER (ORDER BY p.annual_tax / m2_to_mu(p.area_m2) DESC NULLS LAST)
FROM plots p
WHERE p.park_id = %(park)s AND plot_stage(p, make_date(%(year)s, 12, 31)) = 'operating'"""


def _spread(times: list[float]) -> str:
    return (f"min {min(times) * 1000:.0f} ms, median {statistics.median(times) * 1000:.0f} ms, "
            f"max {max(times) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plots", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--database", default="parkatlas_bench_evaluation")
    args = parser.parse_args()
    url = loaded_park(args.database, args.plots, args.reuse)
    with db.connect(url, actor="bench") as conn:
        print(machine(conn), "| load average before:", os.getloadavg())
        park = conn.execute("SELECT id FROM parks ORDER BY id DESC LIMIT 1").fetchone()["id"]
        plots = conn.execute("SELECT count(*) AS n FROM plots WHERE park_id = %s",
                             [park]).fetchone()["n"]
        year = conn.execute("SELECT extract(year FROM park_today(%s))::int AS y",
                            [park]).fetchone()["y"]
        times: dict[str, list[float]] = {"evaluate": [], "keep": [], "ranked": [],
                                         "yardstick": []}
        for _ in range(args.repeats):
            found, t = timed(lambda: conn.execute(
                "SELECT * FROM evaluate_enterprises(%s, %s)", [park, year]).fetchall())
            times["evaluate"].append(t)
            times["keep"].append(timed(evaluation.keep, conn, park, year)[1])
            times["ranked"].append(timed(evaluation.ranked, conn, park,
                                         evaluation.Filters(year=year))[1])
            times["yardstick"].append(timed(lambda: conn.execute(
                YARDSTICK, {"park": park, "year": year}).fetchall())[1])
        print(f"park of {plots} plots, {len(found)} enterprises, year {year}:")
        for name, spread in times.items():
            print(f"  {name:10} {_spread(spread)}")
        ratio = statistics.median(times["evaluate"]) / statistics.median(times["yardstick"])
        print(f"  evaluate ÷ yardstick (medians) {ratio:.2f}")
        print("load average after:", os.getloadavg())


if __name__ == "__main__":
    main()
