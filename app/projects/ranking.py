"""The 龙虎榜 (ranking, issue 12 item 5): a park's projects, and their responsible leaders
and units, ranked as of the end of a 旬 with their change since the previous 旬.

A project's score (sql/source/15_project_periods.sql project_period_values) is
0.6 × schedule + 0.4 × investment: schedule = max(0, 100 − days behind) (a red flag scores
100, each day behind costs a point), investment = completed ÷ planned investment in percent,
at most 100 (0 without a planned investment). Ties: fewer days behind, then a larger share
of the planned investment, then a larger planned investment, then the project code, so
every project has its own rank. Leaders and units: the mean score of their projects, then
fewer black flags, more projects, the name. Free of Flask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import psycopg

from .. import clock
from ..db import queries
from .period import Period, as_of_reading, last_complete
from .project import FILTERS


@dataclass(frozen=True)
class Change:
    """A rank's move since the previous 旬: "up", "down", "same" or "new" and by how much."""

    direction: str
    places: int


def change(rank: int, prev_rank: int | None) -> Change:
    if prev_rank is None:
        return Change("new", 0)
    if prev_rank > rank:
        return Change("up", prev_rank - rank)
    if prev_rank < rank:
        return Change("down", rank - prev_rank)
    return Change("same", 0)


def default_period(conn: psycopg.Connection, park_id: int) -> Period:
    """The latest 旬 that has ended in the park's time zone."""
    return last_complete(clock.park_today(conn, park_id))


def ranking(conn: psycopg.Connection, park_id: int, period: Period,
            filters: dict | None = None) -> dict:
    """{projects, leaders, units}: each row with its rank, previous rank and change; the
    projects with their values as of the end of the 旬 (stage, progress, investment and
    share of the plan, flag, days behind, reasons, score)."""
    filters = filters or {}
    with as_of_reading(conn):
        found = queries().projects.ranking(
            conn, park_id=park_id, d=period.end, prev_d=period.previous.end,
            **{f: filters.get(f) for f in FILTERS})
    projects = [{**p, "change": change(p["rank"], p["prev_rank"])} for p in found["projects"]]
    groups = [{**g, "change": change(g["rank"], g["prev_rank"])} for g in found["groups"]]
    return {"projects": projects, "leaders": [g for g in groups if g["kind"] == "leader"],
            "units": [g for g in groups if g["kind"] == "unit"]}


def ended(period: Period, today: date) -> bool:
    """Whether the 旬 is over (its values can no longer change by later dated records)."""
    return period.end < today
