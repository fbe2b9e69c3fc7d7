"""Land status (DESIGN §4.1–4.4): stage, idle land, low efficiency and conflicts, as of a date.

The rules are set-based SQL (sql/source/08_status.sql; RULES.md maps each rule). Results
are stored in plot_status and plot_readiness, kept current by triggers for edits, and
recomputed in full by `parkatlas recompute`; reading for another date evaluates on the spot.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import psycopg

from . import labels
from .db import connect, queries, transaction
from .errors import Text

FLAGS = ("idle", "idle_a", "idle_b", "government_cause", "idle_fee_due", "reclaim_due",
         "idle_warning", "idle_disposed", "approved_not_supplied", "supplied_not_used",
         "low_efficiency", "zoning_conflict", "use_conflict", "double_claim")


RECOMPUTED = labels.N_("%(plots)s of %(total)s plots recomputed")


def recompute_park(conn: psycopg.Connection, park_id: int, as_of: date | None = None,
                   plot_ids: list[int] | None = None) -> int:
    """Recompute and store one park's results (or some plots'), in one transaction."""
    with transaction(conn):
        return queries().status.recompute_park(conn, park_id=park_id, as_of=as_of, ids=plot_ids)


def recompute(url: str, park_id: int | None = None, as_of: date | None = None,
              workers: int = 2, chunk: int = 20000, progress=None,
              reindex: bool = True) -> dict:
    """Recompute every park (or one) in chunks of plots spread over `workers` connections.

    Chunks are independent (each plot's result depends on the data, not on other
    results), so they run in parallel, each in its own transaction. A chunk costs about
    the same per plot whatever its size, so a large park is cut into four chunks per
    worker (at most `chunk`, at least 1000 plots each): the workers then finish within a
    small chunk of each other, where 5 chunks on 2 workers left one doing 3.

    `progress(done, total, message)` hears of each chunk stored (plots done of all). The
    nearest-feature indexes are rebuilt first unless `reindex` is false (that needs the
    tables' owner: the app's own role, which runs the recompute job, is not).
    """
    started = time.perf_counter()
    with connect(url) as conn:
        if reindex:  # the nearest-feature indexes, compact after a day of edits (0009)
            queries().status.rebuild_knn_indexes(conn)
        parks = [park_id] if park_id else [r["id"] for r in queries().parks.ids(conn)]
        jobs = []
        for pid in parks:
            ids = [r["id"] for r in queries().plots.ids(conn, park_id=pid)]
            size = min(chunk, max(1000, -(-len(ids) // (4 * max(1, workers)))))
            jobs += [(pid, ids[i:i + size]) for i in range(0, len(ids), size)]

    def run(job):
        pid, ids = job
        with connect(url, actor="recompute") as worker:
            return recompute_park(worker, pid, as_of, ids)

    total, plots = sum(len(ids) for _pid, ids in jobs), 0
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for stored in pool.map(run, jobs):  # in order: a report per chunk stored
            plots += stored
            if progress:
                progress(plots, max(1, total), Text(RECOMPUTED, plots=plots, total=total))
    return {"parks": len(parks), "plots": plots, "seconds": time.perf_counter() - started}


def get(conn: psycopg.Connection, park_id: int, plot_id: int, as_of: date | None = None) -> dict:
    """One plot's status: stage, flags, reasons (zh/en), details, evaluated_on."""
    row = queries().status.get(conn, park_id=park_id, plot_id=plot_id, as_of=as_of)
    return {k: v for k, v in (row or {}).items() if k != "plot_id"}


def summary(conn: psycopg.Connection, park_id: int, as_of: date | None = None) -> dict:
    """Count and area (亩) per stage, per flag and per readiness level."""
    return queries().status.summary(conn, park_id=park_id, as_of=as_of,
                                    stages=list(labels.STAGES))


def idle_plots(conn: psycopg.Connection, park_id: int, as_of: date | None = None) -> dict:
    """Idle and soon-idle plots with their legal clock, soonest deadline first."""
    rows = list(queries().status.idle_plots(conn, park_id=park_id, as_of=as_of))
    evaluated = rows[0]["evaluated_on"] if rows else (as_of or None)
    return {"evaluated_on": evaluated, "plots": rows}
