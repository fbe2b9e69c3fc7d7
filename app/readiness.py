"""Infrastructure readiness (七通一平, DESIGN §4.5) and which planned works unlock most land."""

from __future__ import annotations

from datetime import date

import psycopg

from .db import queries


def get(conn: psycopg.Connection, park_id: int, plot_id: int, as_of: date | None = None) -> dict:
    """One plot's readiness: per utility state, planned date, distance; level; serviced."""
    row = queries().readiness.get(conn, park_id=park_id, plot_id=plot_id, as_of=as_of)
    return {k: v for k, v in (row or {}).items() if k != "plot_id"}


def priority(conn: psycopg.Connection, park_id: int, as_of: date | None = None) -> dict:
    """Planned roads and networks ranked by the 亩 they would serve, as GeoJSON."""
    return queries().readiness.priority(conn, park_id=park_id, as_of=as_of)
