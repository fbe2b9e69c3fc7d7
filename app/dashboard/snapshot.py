"""The indicators as of each month end, kept in indicator_snapshots (migration 0032) and
recomputed when the park's data_version has moved (sql/source/21_dashboard.sql): the
dashboard's trend and its "change since the last month end" read 24 stored months instead
of evaluating the rules 24 times.

Computing a month end costs what `park_indicators()` as of a past day costs: about 1 s at
2 000 plots, 44 s at 100 000 (bench/indicators.py). So a view recomputes the missing and
stale months itself only for a park of at most REFRESH_PLOTS plots; a larger park's page
shows the months as stored (saying when they were computed) and the nightly
`parkatlas recompute` brings them up to date."""

from __future__ import annotations

from datetime import date

import psycopg

from ..db import queries, transaction
from ..indicators.indicator import _reading

MONTHS = 24
REFRESH_PLOTS = 2000


def refresh(conn: psycopg.Connection, park_id: int, months: int = MONTHS) -> list[date]:
    """Compute the park's missing or stale month ends (of the last `months`); the months
    computed. The nightly recompute and the first dashboard view after a change call it."""
    with transaction(conn):
        return [r["month_end"] for r in queries().dashboard.refresh(
            conn, park_id=park_id, months=months)]


def trend(conn: psycopg.Connection, park_id: int, months: int = MONTHS,
          refresh_first: bool = True) -> dict:
    """The last `months` month ends, oldest first, and each indicator's readings on them
    (display units, as `indicator.evaluate` gives them) for the park ("") and each zone
    (by code): {"months": [...], "scopes": {scope: {key: [reading or None, ...]}},
    "stale": months missing or computed before the data's last change, "computed_at"}.
    Missing and stale months are computed first unless `refresh_first` is false."""
    if refresh_first:
        refresh(conn, park_id, months)
    ends = [r["d"] for r in queries().dashboard.month_ends(conn, park_id=park_id,
                                                            months=months)]
    at = {d: n for n, d in enumerate(ends)}
    scopes: dict[str, dict[str, list]] = {}
    fresh, computed = set(), []
    for row in queries().dashboard.trend(conn, park_id=park_id, months=months):
        series = scopes.setdefault(row["zone_code"] or "", {}).setdefault(
            row["key"], [None] * len(ends))
        series[at[row["month_end"]]] = _reading(row)
        computed.append(row["computed_at"])
        if not row["stale"]:
            fresh.add(row["month_end"])
    return {"months": ends, "scopes": scopes,
            # after a refresh a month without rows is a park without plots, not stale
            "stale": [] if refresh_first else [d for d in ends if d not in fresh],
            "computed_at": min(computed, default=None)}
