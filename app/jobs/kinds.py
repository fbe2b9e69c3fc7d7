"""What each kind of job does. A runner takes the job's connection, its row, a progress
callback `progress(done, total, message)` and the worker's database URL, and returns the
finished file (bytes, file name, ASCII name, media type) or None."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import psycopg

from .. import exporters, requisition, status
from ..dashboard import snapshot
from ..db import queries
from ..errors import Text
from ..labels import N_

Progress = Callable[[int, int, Text], None]
File = tuple[bytes, str, str, str]  # data, file name, ASCII file name, media type
COMPUTING = N_("Computing the plan's numbers")
MONTH_ENDS = N_("Storing the dashboard's month-end indicators")
# the share of a plan export's progress its computation takes (the rest: writing)
COMPUTE_SHARE = 0.1


def span(progress: Progress, start: float, end: float) -> Progress:
    """A progress callback for one stage of a job: its (done, total) mapped into the
    job's [start, end] share, out of 1000."""
    def stage(done: int, total: int, message: Text) -> None:
        share = start + (end - start) * min(1.0, done / max(1, total))
        progress(round(1000 * share), 1000, message)
    return stage


def plan_export(conn: psycopg.Connection, job: dict, progress: Progress, url: str) -> File:
    """A plan's export (the format and options the job was asked for), as the asker's role
    would download it."""
    p = job["parameters"]
    fmt, lang, options, role = p["format"], p["lang"], dict(p["options"]), p.get("role")
    progress(0, 1000, Text(COMPUTING))
    result = requisition.compute(conn, job["plan_id"], p["version"], role=role)
    fmt = requisition.export_format(conn, result, fmt, role)
    data = exporters.export(result, fmt, lang, progress=span(progress, COMPUTE_SHARE, 1.0),
                            **options)
    return (data, exporters.filename(result, fmt, lang), exporters.ascii_filename(result, fmt),
            exporters.media_type(fmt, options))


def recompute(conn: psycopg.Connection, job: dict, progress: Progress, url: str) -> None:
    """The status and readiness recompute of the job's park (every park when none), then
    the month-end indicators it made stale (as `parkatlas recompute` does)."""
    as_of = job["parameters"].get("as_of")
    parks = [job["park_id"]] if job["park_id"] else [r["id"] for r in queries().parks.ids(conn)]
    status.recompute(url, job["park_id"], date.fromisoformat(as_of) if as_of else None,
                     workers=1, progress=span(progress, 0, 0.9), reindex=False)
    for n, park_id in enumerate(parks):
        progress(900 + round(100 * n / len(parks)), 1000, Text(MONTH_ENDS))
        snapshot.refresh(conn, park_id)


RUNNERS: dict[str, Callable[[psycopg.Connection, dict, Progress, str], File | None]] = {
    "plan_export": plan_export,
    "recompute": recompute,
}
