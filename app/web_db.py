"""The web app's database glue: a pool per app and one connection per request."""

from __future__ import annotations

import psycopg
from flask import current_app, g
from psycopg_pool import ConnectionPool

from .db import make_pool, set_actor


def init_app(app) -> None:
    """Create the app's pool (opened on first use, so create_app does no I/O)."""
    app.extensions["parkatlas_pool"] = make_pool(app.config["DATABASE_URL"],
                                                 app.config["DB_POOL_MAX"])
    app.teardown_appcontext(close_db)


def pool() -> ConnectionPool:
    """The current app's pool, opened on first use."""
    p = current_app.extensions["parkatlas_pool"]
    if p.closed:
        p.open(wait=True, timeout=30)
    return p


def get_db() -> psycopg.Connection:
    """The request's connection, taken from the pool on first use."""
    if "db" not in g:
        g.db = pool().getconn()
        set_actor(g.db, g.get("actor") or "anonymous")
    return g.db


def close_db(_exc=None) -> None:
    conn = g.pop("db", None)
    if conn is not None:
        current_app.extensions["parkatlas_pool"].putconn(conn)
