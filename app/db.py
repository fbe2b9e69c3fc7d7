"""Database access without Flask: connections, transactions and the named queries.

Connections run in autocommit mode; a write opens `with transaction(conn):` so that it
is all-or-nothing. The acting user is set on the connection as `parkatlas.actor`, which
the audit triggers record. The web app's pool and per-request connection are in
web_db.py; domain modules, the CLI and scripts need only this module.
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import cache

import aiosql
import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from .config import SQL_DIR


@cache
def queries():
    """The named queries of sql/queries/<namespace>/*.sql (aiosql), loaded once.

    Each folder is a namespace: sql/queries/plots/update.sql defines
    `queries().plots.update`.
    """
    return aiosql.from_path(SQL_DIR / "queries", "psycopg")


# JIT compilation takes longer than the spatial queries it would speed up: off for ours.
# No server-side prepared statements (prepare_threshold None): psycopg would prepare a query
# run five times, and from its sixth execution PostgreSQL may switch it to a generic plan,
# made without the parameter values. Our queries' plans depend on those values: the as-of
# date decides whether stored rule results are read or the rules evaluated on the spot,
# and the optional filters (`:x IS NULL OR …`) decide which indexes apply. A generic plan
# of the plot list for a date with no stored rows ran for minutes instead of a second.
# Unprepared, each execution is planned with its values (a custom plan), as the first five
# were; the cost is a parse per execution, well under a millisecond. (Forcing custom plans
# with plan_cache_mode would also replan the rule functions' own statements on every
# trigger call, which are written to be safe as generic plans.)
CONNECT_OPTIONS = {"options": "-c jit=off", "prepare_threshold": None}


def connect(url: str, actor: str | None = None) -> psycopg.Connection:
    """A standalone connection (CLI, scripts, tests) with the app's settings."""
    conn = psycopg.connect(url, autocommit=True, row_factory=dict_row, **CONNECT_OPTIONS)
    if actor:
        set_actor(conn, actor)
    return conn


def set_actor(conn: psycopg.Connection, actor: str) -> None:
    """Name the user the audit log records for this connection's writes."""
    conn.execute("SELECT set_config('parkatlas.actor', %s, false)", (actor,))


@contextmanager
def transaction(conn: psycopg.Connection):
    """All-or-nothing block; database errors from bad input become domain errors."""
    from .errors import from_database

    try:
        with conn.transaction():
            yield conn
    except psycopg.Error as exc:
        domain = from_database(exc)
        if domain is None:
            raise
        raise domain from exc


def _configure(conn: psycopg.Connection) -> None:
    conn.autocommit = True
    conn.row_factory = dict_row


def _reset(conn: psycopg.Connection) -> None:
    # Forget the previous request's actor before the connection serves another user.
    conn.execute("RESET ALL")


def make_pool(url: str, max_size: int, name: str = "parkatlas") -> ConnectionPool:
    """A closed pool of connections with the app's settings (opened on first use)."""
    return ConnectionPool(url, min_size=1, max_size=max_size, kwargs=CONNECT_OPTIONS,
                          configure=_configure, reset=_reset, open=False, name=name)
