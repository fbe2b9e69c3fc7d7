"""One clock (DESIGN §4.9 Time): "today" is the date in the park's time zone.

The park setting `timezone` (default Asia/Shanghai) says which. SQL has the same rule in
park_today() (sql/source/01_settings.sql), used by the rules, the views and the queries;
Python asks here, for the dates it writes itself (plan results and their exports).
Tests set the current instant by replacing now().
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import psycopg

DEFAULT_TIMEZONE = "Asia/Shanghai"


def now() -> datetime:
    """The current instant (timezone-aware); tests monkeypatch this one function."""
    return datetime.now(UTC)


def today(timezone: str = DEFAULT_TIMEZONE) -> date:
    """The date it is now in a time zone."""
    return now().astimezone(ZoneInfo(timezone)).date()


def park_timezone(conn: psycopg.Connection, park_id: int) -> str:
    """The park's time zone setting (the default when the park sets none)."""
    row = conn.execute("SELECT park_settings(%s) ->> 'timezone' AS tz", (park_id,)).fetchone()
    return (row and row["tz"]) or DEFAULT_TIMEZONE


def park_today(conn: psycopg.Connection, park_id: int) -> date:
    """Today in the park's time zone."""
    return today(park_timezone(conn, park_id))
