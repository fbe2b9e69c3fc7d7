"""Benchmark issue 15's clean-up lists on a generated park of N plots, as of today (stored
status rows, as the pages read them), `repeats` times each, alternating:

  1. the idle list (`app.cleanup.lists.rows`: cleanup_plots() with the legal clock, the
     filters, the latest disposal), and
  2. the idle page's existing query (`status.idle_plots`, /api/v1/idle: the same plots with
     their marks, no filters), the obvious alternative, as the yardstick in the same run;

then once each: the other three lists, and the idle list's workbook (XLSX).

Usage: .venv/bin/python -m bench.cleanup [--plots 2000] [--repeats 5] [--reuse]
"""

from __future__ import annotations

import argparse
import os
import statistics

from app import db, status
from app.cleanup import lists, workbook
from bench.common import loaded_park, machine, timed
from bench.indicators import _spread

BENCH_DB = "parkatlas_bench_cleanup"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plots", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    url = loaded_park(BENCH_DB, args.plots, args.reuse)
    with db.connect(url, actor="bench") as conn:
        print(machine(conn), "| load average before:", os.getloadavg())
        park = conn.execute("SELECT id, code, name, name_en FROM parks ORDER BY id DESC LIMIT 1"
                            ).fetchone()
        today = conn.execute("SELECT park_today(%s) AS d", [park["id"]]).fetchone()["d"]
        status.idle_plots(conn, park["id"], today)  # the day's stored rows, once
        mine, yardstick = [], []
        for _ in range(args.repeats):
            found, seconds = timed(lists.rows, conn, park["id"], "idle", today)
            mine.append(seconds)
            yardstick.append(timed(status.idle_plots, conn, park["id"], today)[1])
        print(f"idle list of {len(found)} plots, as of {today}:")
        print(f"  cleanup list         {_spread(mine)}")
        print(f"  idle page's query    {_spread(yardstick)}")
        ratio = statistics.median(mine) / statistics.median(yardstick)
        print(f"  ratio of medians     {ratio:.2f}")
        for name in list(lists.LISTS)[1:]:
            found, seconds = timed(lists.rows, conn, park["id"], name, today)
            print(f"  {name:22} {len(found)} plots, {seconds * 1000:.0f} ms")
        book, seconds = timed(workbook.xlsx, conn, dict(park), "idle", today)
        print(f"  idle workbook        {len(book) // 1024} KiB, {seconds * 1000:.0f} ms")
        print("load average after:", os.getloadavg())


if __name__ == "__main__":
    main()
