"""The 亩均效益 evaluation of a park's operating enterprises for a year.

The figures, score, rank and class are PostgreSQL's (`evaluate_enterprises()`,
sql/source/22_evaluation.sql); `keep` stores a year's result (replacing that year only,
in one transaction; the table is audited), `ranked` reads a kept year with the page's
filters and the class totals, `trend` one enterprise's classes over the years.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from ..clock import park_today
from ..db import queries, transaction
from ..errors import NotFound, Text
from ..labels import N_

CLASSES = ("A", "B", "C", "D")
NO_CLASS = "none"  # the class filter's value for enterprises lacking a weighted figure
METHODS = {"thresholds": N_("score thresholds"), "quantiles": N_("quantiles")}
# The figures of an enterprise, in their units (the table's and the export's columns).
FIGURES = {
    "area_mu": (N_("Area"), N_("mu")),
    "tax": (N_("Annual tax"), N_("10k yuan")),
    "output": (N_("Annual output"), N_("10k yuan")),
    "investment": (N_("Fixed-asset investment"), N_("10k yuan")),
    "tax_per_mu": (N_("Tax per mu"), N_("10k yuan/mu")),
    "output_per_mu": (N_("Output per mu"), N_("10k yuan/mu")),
    "investment_per_mu": (N_("Investment intensity"), N_("10k yuan/mu")),
    "score": (N_("Score"), None),
}
ZONE_NOT_FOUND = N_("zone %(zone)s is not a zone of this park")
FIRST_YEAR, LAST_YEAR = 1900, 2200  # the table's bounds


@dataclass(frozen=True)
class Filters:
    """The list's filters (app.params.evaluation parses them)."""
    year: int | None = None
    zone: str | None = None
    klass: str | None = None
    industry: str | None = None

    def query(self) -> dict:
        return {"zone": self.zone, "klass": self.klass, "industry": self.industry}


def keep(conn: psycopg.Connection, park_id: int, year: int) -> dict:
    """Evaluate the park's enterprises for `year` and keep the result, replacing that year's
    earlier evaluation (other years untouched); returns how many were kept by class."""
    q = queries().evaluation
    with transaction(conn):
        q.clear_year(conn, park_id=park_id, year=year)
        q.keep_year(conn, park_id=park_id, year=year)
        rows = list(q.rows(conn, park_id=park_id, year=year, zone=None, industry=None,
                           enterprise=None, klass=None))
    return {"year": year, "enterprises": len(rows), "totals": totals(rows)}


def years(conn: psycopg.Connection, park_id: int) -> list[dict]:
    """The years the park has evaluated, the latest first."""
    return list(queries().evaluation.years(conn, park_id=park_id))


def ranked(conn: psycopg.Connection, park_id: int, filters: Filters) -> dict:
    """A kept year's enterprises (the latest kept year by default, else the park's current
    year), filtered, best first, with the class totals of the filtered list and the
    settings the year was evaluated with."""
    kept = years(conn, park_id)
    year = filters.year if filters.year is not None else (
        kept[0]["year"] if kept else park_today(conn, park_id).year)
    evaluated = any(k["year"] == year for k in kept)
    if filters.zone is not None and queries().imports.zone_id(
            conn, park_id=park_id, code=filters.zone) is None:
        raise NotFound(Text(ZONE_NOT_FOUND, zone=filters.zone), code="zone_not_found")
    rows = list(queries().evaluation.rows(conn, park_id=park_id, year=year, enterprise=None,
                                          **filters.query())) if evaluated else []
    first = rows[0] if rows else None
    return {"year": year, "evaluated": evaluated, "years": [k["year"] for k in kept],
            "method": first["method"] if first else None,
            "settings": first["settings"] if first else None,
            "evaluated_at": first["evaluated_at"] if first else None,
            "totals": totals(rows), "enterprises": rows}


def trend(conn: psycopg.Connection, park_id: int, enterprise: str) -> list[dict]:
    """One enterprise's kept years (its key: 'project:<id>' or 'plot:<id>'), the latest
    first: its figures, score, rank and class each year."""
    return list(queries().evaluation.rows(conn, park_id=park_id, year=None, zone=None,
                                          industry=None, enterprise=enterprise,
                                          klass=None))


def totals(rows: list[dict]) -> list[dict]:
    """Per class (and "none": no class for a missing figure): enterprises and their 亩."""
    out = []
    for klass in (*CLASSES, NO_CLASS):
        mine = [r for r in rows if (r["class"] or NO_CLASS) == klass]
        out.append({"class": klass, "count": len(mine),
                    "area_mu": sum(r["area_mu"] for r in mine)})
    return out

