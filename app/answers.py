"""Whole-park answers (the status summary, the infrastructure priority, the indicators and
the dashboard's first priorities) kept per park, kind, date and data version, and computed
at most once per data version (issues 14 and 15).

On a park of 100 000 plots such an answer for a date without stored results evaluates every
plot's rules (minutes on a loaded machine). It is kept in park_answers (migration 0034)
with the park's data version (parks.data_version, which every edit moves on), so it is
computed once per version and date and then read by key. The computation runs in a thread
of the process on a connection of its own, while the request waits at most `wait` seconds
for it: an answer not ready by then is the 503 `computing` with Retry-After (`Computing`)
instead of a request killed by the worker's timeout; the computation goes on, and the
client's next try gets the kept answer. The answer is kept as the text the API sends (a
ranking of 23 000 planned works is 13 MB, whose parsing and serialising took 1.5–3 s).
Two processes asked for the same answer compute it once (an advisory lock per answer; the
second then finds it kept).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as WaitTimeout
from contextlib import AbstractContextManager
from datetime import date
from typing import Any

import psycopg

from . import readiness, status
from .db import queries, set_actor
from .errors import NO_PARK, AtlasError, NotFound, Text
from .indicators import indicator
from .labels import N_

PRIORITY_TOP = 10  # the dashboard's table
# kind → the computation of its body
KINDS: dict[str, Callable[[psycopg.Connection, int, date], Any]] = {
    "summary": status.summary,
    "priority": lambda conn, park_id, day: readiness.priority(conn, park_id, day)["collection"],
    # park_indicators()'s rows, the park's and every zone's (the dashboard, /indicators)
    "indicators": indicator.rows,
    # the dashboard's first priorities, without outlines or plot lists
    "priority_top": lambda conn, park_id, day: list(queries().dashboard.priorities(
        conn, park_id=park_id, as_of=day, top=PRIORITY_TOP)),
}
# A first guess of how long a computation takes when the park has none kept yet.
FIRST_GUESS_SECONDS = 10

Connect = Callable[[], AbstractContextManager[psycopg.Connection]]

_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="park-answers")
_running: dict[tuple, tuple[Future, float]] = {}  # key → (computation, its start)
_lock = threading.Lock()


class Computing(AtlasError):
    """The answer is being computed: try again after `retry_after` seconds."""

    status, code = 503, "computing"

    def __init__(self, retry_after: int):
        super().__init__(Text(N_("This answer for the whole park is being computed; it will be "
                                 "ready in about %(seconds)s s. Try again then."),
                              seconds=retry_after),
                         details={"retry_after": retry_after})
        self.retry_after = retry_after


def get(conn: psycopg.Connection, connect: Connect, dumps: Callable[[dict], str],
        park_id: int, kind: str, as_of: date | None, wait: float) -> str:
    """The park's answer of that kind as of a date (the park's today when None) as JSON
    text (`dumps`): the kept one, or one computed now, waiting at most `wait` seconds (else
    `Computing`). `connect` gives the computation its own connection (the app's pool, or a
    new one)."""
    row = queries().answers.lookup(conn, park_id=park_id, kind=kind, as_of=as_of)
    if row is None:
        raise NotFound(Text(NO_PARK, id=park_id))
    if row["body"] is not None:
        return row["body"]
    key = (conn.info.dsn, park_id, kind, row["day"], row["version"])
    with _lock:
        running = _running.get(key)  # a computation under way is joined
        if running is None:
            future = _pool.submit(_compute, connect, dumps, park_id, kind, row["day"])
            running = _running[key] = (future, time.monotonic())
            future.add_done_callback(lambda _f: _running.pop(key, None))
    future, started = running
    try:
        return future.result(timeout=wait)
    except WaitTimeout:
        expected = row["last_seconds"] or FIRST_GUESS_SECONDS
        raise Computing(max(1, min(60, math.ceil(expected - (time.monotonic() - started))))
                        ) from None


def _compute(connect: Connect, dumps: Callable[[dict], str], park_id: int, kind: str,
             day: date) -> str:
    """Compute and keep one answer (or read it, when another process kept it meanwhile).
    The version is read before the answer is computed: if an edit comes in between, the
    answer is kept under the older version, which is never read again; never the reverse."""
    lock_key = f"{park_id}:{kind}:{day.isoformat()}"
    with connect() as conn:
        set_actor(conn, "answers")
        queries().answers.lock(conn, key=lock_key)
        try:
            row = queries().answers.lookup(conn, park_id=park_id, kind=kind, as_of=day)
            if row["body"] is not None:
                return row["body"]
            started = time.perf_counter()
            body = dumps(KINDS[kind](conn, park_id, day))
            queries().answers.keep(conn, park_id=park_id, kind=kind, as_of=day,
                                   version=row["version"], body=body,
                                   seconds=time.perf_counter() - started)
            return body
        finally:
            queries().answers.unlock(conn, key=lock_key)
