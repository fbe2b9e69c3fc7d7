"""Benchmark: a big plan's package and PDF as jobs, against the same export in the request.

    .venv/bin/python -m bench.jobs [--park-plots 100000] [--plots 2000] [--reuse] [--runs 3]
                                   [--formats package pdf]

Uses the database of `bench.requisition` (`parkatlas_bench_plan`; `--reuse` keeps it, and
the migrations, 0030 among them, are applied), makes its plan of N plots, then for the
package and the PDF, `--runs` times each, in the same run:

- **in the request** (today's download): compute the plan and write the file, the time a
  request holds its worker (against gunicorn's 30 s timeout);
- **as a job**: what the request does (check the plan, version and role, queue the job:
  the time to the 202), what the worker does (claim, compute, write with progress, store
  the file in the row), and reading the file back (the result download's query); with
  the progress writes (each also the heartbeat) and the longest gap between two of them,
  which PARKATLAS_JOB_STALE_SECONDS must exceed.
"""

from __future__ import annotations

import argparse
import os
import time

from app import db, exporters, migrations, requisition
from app.db import queries
from app.jobs import job, worker
from bench.api_scale import spread
from bench.common import machine, timed
from bench.requisition import load, make_plan


def in_request(conn, plan_id: int, fmt: str) -> int:
    """What GET /plans/<id>/export does: compute, then write the file; its size."""
    result = requisition.compute(conn, plan_id, role="planner")
    return len(exporters.export(result, fmt))


def as_job(conn, url: str, plan_id: int, fmt: str) -> dict:
    """Queue, run with one worker, read back; the times of each part and the progress."""
    writes: list[tuple[float, str]] = []  # (when, the stage that started then)
    write = worker.Reporter.__call__

    def timed_write(self, done, total, message):
        before = self.written
        write(self, done, total, message)
        if self.written != before:
            writes.append((time.perf_counter(), str(message)))
    worker.Reporter.__call__ = timed_write
    try:
        start = time.perf_counter()
        job_id = job.start_plan_export(conn, plan_id, fmt, {}, None, "bench", "planner")
        queued = time.perf_counter()
        w = worker.Worker(url, worker.Settings(workers=0), name="bench")
        assert w.run_once(conn) == job_id
        ran = time.perf_counter()
        size = len(queries().jobs.result(conn, id=job_id)["result"])
        read = time.perf_counter()
    finally:
        worker.Reporter.__call__ = write
    marks = [(queued, "queued"), *writes, (ran, "done")]
    gap, stage = max((b[0] - a[0], a[1]) for a, b in zip(marks, marks[1:], strict=False))
    return {"request": queued - start, "worker": ran - queued, "read": read - ran,
            "total": read - start, "size": size, "writes": len(writes), "gap": gap,
            "stage": stage}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plots", type=int, default=2000, help="plots in the plan")
    parser.add_argument("--park-plots", type=int, default=100000, help="plots in the park")
    parser.add_argument("--reuse", action="store_true", help="reuse the loaded database")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each")
    parser.add_argument("--formats", nargs="*", default=list(exporters.LONG_FORMATS),
                        help="the formats timed (default: the ones run as jobs)")
    args = parser.parse_args(argv)

    url = load(args.park_plots, args.reuse)
    with db.connect(url, actor="bench") as conn:
        migrations.upgrade(conn)  # a reused database may predate the jobs table
        print(machine(conn), f"; load average {os.getloadavg()[0]:.1f}")
        plan = make_plan(conn, args.plots)
        conn.execute("DELETE FROM jobs WHERE created_by = 'bench'")
        for fmt in args.formats:
            direct = [timed(in_request, conn, plan["id"], fmt)[1] for _ in range(args.runs)]
            jobs = [as_job(conn, url, plan["id"], fmt) for _ in range(args.runs)]
            print(f"{fmt}: in the request        {spread(direct)}")
            for part in ("request", "worker", "read", "total", "gap"):
                print(f"{fmt}: job {part:<8}            {spread([j[part] for j in jobs])}")
            print(f"{fmt}: {jobs[-1]['size']:,} bytes; progress writes "
                  f"{[j['writes'] for j in jobs]}; the longest gap after: "
                  f"{[j['stage'] for j in jobs]}")
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
        conn.execute("DELETE FROM jobs WHERE created_by = 'bench'")


if __name__ == "__main__":
    main()
