"""The web app's database glue: a pool per app and one connection per request.

While PostgreSQL cannot be reached, taking a connection raises DatabaseUnavailable (a
503 with Retry-After, app.web_errors); the outage is logged once when it starts and once
when it ends, and the pool reconnects by itself.
"""

from __future__ import annotations

import logging
import select
import threading
import time

import psycopg
from flask import current_app, g
from psycopg_pool import ConnectionPool

from . import answers
from .db import make_pool, set_actor
from .errors import AtlasError, Text
from .labels import N_

log = logging.getLogger(__name__)


class DatabaseUnavailable(AtlasError):
    """PostgreSQL cannot be reached: try again shortly (503 with Retry-After)."""

    status, code = 503, "database_unavailable"
    retry_after = 10

    def __init__(self):
        super().__init__(Text(N_(
            "The database is unavailable at the moment; please try again in a minute.")))


class Outage:
    """Whether the database is down, so that an outage is logged once, not per request."""

    def __init__(self):
        self._lock = threading.Lock()
        self.since: float | None = None

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            if self.since is not None:
                return
            self.since = time.monotonic()
        log.error("database unavailable, answering 503 until it is back: %s", exc)

    def succeeded(self) -> None:
        if self.since is None:
            return
        with self._lock:
            since, self.since = self.since, None
        if since is not None:
            log.warning("database available again after %.1f s", time.monotonic() - since)


def is_outage(exc: BaseException) -> bool:
    """A connection that failed or broke (server gone, refused, shutting down, pool
    timeout), as opposed to an error in a statement."""
    if not isinstance(exc, psycopg.OperationalError):
        return False
    sqlstate = getattr(exc, "sqlstate", None) or ""
    return not sqlstate or sqlstate.startswith("08") or sqlstate in (
        "57P01", "57P02", "57P03")  # admin/crash shutdown, cannot connect now


def init_app(app) -> None:
    """Create the app's pool (opened on first use, so create_app does no I/O)."""
    app.extensions["parkatlas_pool"] = make_pool(app.config["DATABASE_URL"],
                                                 app.config["DB_POOL_MAX"])
    app.extensions["parkatlas_outage"] = Outage()
    app.teardown_appcontext(close_db)


def pool() -> ConnectionPool:
    """The current app's pool, opened on first use."""
    p = current_app.extensions["parkatlas_pool"]
    if p.closed:
        p.open(wait=False)
    return p


def _connect(name_actor: bool) -> psycopg.Connection:
    """A working connection from the pool. A pooled connection the server dropped (after an
    outage) fails its first statement, or is seen closed from its socket (`_dropped`), and
    is thrown away; the next one is tried.

    `name_actor`: make the request's user (else "anonymous") the connection's actor now.
    Authentication passes False: its query names the user it finds (users/by_token.sql,
    by_session.sql), and the access check names anyone else (auth._enforce) before any
    view runs, which spares a round trip per request."""
    p, wait = pool(), current_app.config.get("DB_WAIT_SECONDS", 5)
    for _ in range(p.max_size + 1):
        conn = p.getconn(timeout=wait)
        try:
            if name_actor:
                g.db_actor = g.get("actor") or "anonymous"
                set_actor(conn, g.db_actor)
            elif _dropped(conn):
                conn.close()
                p.putconn(conn)  # closed: the pool discards it and opens a new one
                continue
            else:
                g.db_actor = None  # whoever the pooled connection last served
            return conn
        except psycopg.OperationalError:
            p.putconn(conn)  # broken: the pool discards it and opens a new one
            if not conn.broken:
                raise
    raise psycopg.OperationalError("no working connection in the pool")


def _dropped(conn: psycopg.Connection) -> bool:
    """Whether the server closed an idle pooled connection, without a round trip: a server
    that shuts down or ends a connection says so (or the OS closes the socket), so the idle
    connection's socket has something to read."""
    if conn.closed:
        return True
    readable, _, _ = select.select([conn.fileno()], [], [], 0)
    return bool(readable)


def get_db(name_actor: bool = True) -> psycopg.Connection:
    """The request's connection, taken from the pool on first use (`name_actor`: _connect)."""
    if "db" not in g:
        outage = current_app.extensions["parkatlas_outage"]
        try:
            g.db = _connect(name_actor)
        except psycopg.OperationalError as exc:  # PoolTimeout included
            outage.failed(exc)
            raise DatabaseUnavailable() from exc
        outage.succeeded()
    return g.db


def close_db(_exc=None) -> None:
    conn = g.pop("db", None)
    if conn is not None:
        current_app.extensions["parkatlas_pool"].putconn(conn)


def answer(park_id: int, kind: str, as_of=None, wait: float | None = None) -> str:
    """A whole-park answer (app.answers) as the JSON text it is kept as, computed on a
    pooled connection of its own: `answers.Computing` (503, Retry-After) when it is not
    ready within `wait` seconds (ANSWER_WAIT_SECONDS by default)."""
    if wait is None:
        wait = current_app.config["ANSWER_WAIT_SECONDS"]
    return answers.get(get_db(), pool().connection, current_app.json.dumps, park_id, kind,
                       as_of, wait)
