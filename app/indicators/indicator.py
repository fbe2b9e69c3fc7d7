"""The indicators of DESIGN §4.6: what each one is called, how it is computed, in which
unit it is read; `evaluate` gives them for a park and its zones as of a date.

The numbers are PostgreSQL's (`park_indicators()`, sql/source/18_indicators.sql): one
statement over the plots' status and readiness as of the date. Here they get their names,
formulas and display units: shares as percentages, areas in 亩 (and 公顷), amounts per
area in 万元/公顷 and 万元/亩. An empty base gives no value (None, shown as "—").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import psycopg

from ..crs import M2_PER_MU
from ..db import queries
from ..errors import BadRequest, NotFound, Text
from ..labels import N_


@dataclass(frozen=True)
class Indicator:
    name: str      # the catalogue's English; Chinese through the catalogue
    formula: str   # numerator / base, in words
    unit: str      # how `value` reads: "%", "ratio", "万元/公顷", "亩"


INDICATORS: dict[str, Indicator] = {
    "development_rate": Indicator(
        N_("Land development rate"),
        N_("developed land (requisitioned or state land with road, water and power and "
           "levelled, or better, or supplied already) / developable land (every plot of "
           "the park)"), "%"),
    "supply_rate": Indicator(
        N_("Land supply rate"),
        N_("supplied land / land that meets the conditions for supply (developed land)"), "%"),
    "built_rate": Indicator(
        N_("Land built rate"), N_("built land (completed or operating) / supplied land"), "%"),
    "industrial_land_rate": Indicator(
        N_("Industrial land rate"),
        N_("built industrial and storage land / built land"), "%"),
    "plot_ratio": Indicator(
        N_("Overall plot ratio"),
        N_("total floor area / built land (plots with a recorded floor area)"), "ratio"),
    "building_density": Indicator(
        N_("Building density"),
        N_("building footprint / built land (plots with a recorded footprint)"), "%"),
    "industrial_plot_ratio": Indicator(
        N_("Industrial plot ratio"),
        N_("floor area of built industrial land / built industrial land (plots with a "
           "recorded floor area)"), "ratio"),
    "industrial_investment_intensity": Indicator(
        N_("Industrial investment intensity"),
        N_("fixed-asset investment on built industrial land / its area (plots with a "
           "recorded investment)"), "万元/公顷"),
    "industrial_tax_per_area": Indicator(
        N_("Industrial tax per area"),
        N_("annual tax of built industrial land / its area (plots with a recorded tax)"),
        "万元/公顷"),
    "tax_per_area": Indicator(
        N_("Tax per area (all built land)"),
        N_("annual tax of built land / its area (plots with a recorded tax)"), "万元/公顷"),
    "idle_disposal_rate": Indicator(
        N_("Idle land disposal rate"), N_("disposed idle land / all idle land"), "%"),
    "remaining_supplyable": Indicator(
        N_("Remaining supplyable serviced land"),
        N_("requisitioned or state land with road, water and power and levelled, or "
           "better, not yet supplied"), "亩"),
    "approved_not_supplied": Indicator(
        N_("Approved, not supplied"),
        N_("land approved for construction and not supplied by the date"), "亩"),
    "supplied_not_used": Indicator(
        N_("Supplied, not used"),
        N_("land supplied and not started by the date"), "亩"),
}

# The plots behind a number: the numerator's, the base's, the base's lacking the figure.
SETS = ("plots", "base_plots", "missing_plots")

ZONE_NOT_FOUND = N_("zone %(zone)s is not a zone of this park")
NO_INDICATOR = N_("%(key)s is not an indicator; the indicators are %(keys)s")
NO_SET = N_("%(which)s is not a set of plots of an indicator; use %(sets)s")


def _reading(row: dict) -> dict:
    """One indicator of one scope, in its display unit, with its plots."""
    spec = INDICATORS[row["key"]]
    value, kind = row["value"], row["kind"]
    shown = {"share": lambda v: v * 100, "area": lambda v: v / M2_PER_MU}.get(
        kind, lambda v: v)
    reading = {
        "key": row["key"], "name": Text(spec.name), "formula": Text(spec.formula),
        "unit": spec.unit, "value": None if value is None else shown(value),
        # the sums the value is made of: areas in m², figures in their own units; how many
        # plots are behind each (listed by `plots()`)
        "numerator": row["numerator"], "denominator": row["denominator"],
        **{which: row[which] for which in SETS}}
    if kind == "per_ha":
        reading["value_per_mu"] = None if value is None else value / 15
    if kind == "area":
        reading["hectares"] = value / 1e4
        if row["oldest_days"] is not None:
            reading["oldest_days"] = row["oldest_days"]
            reading["mean_days"] = round(row["mean_days"], 1)
    return reading


def evaluate(conn: psycopg.Connection, park_id: int, as_of: date | None = None,
             zone: str | None = None) -> dict:
    """The park's indicators and each zone's (or one zone's, by code) as of a date."""
    return readings(rows(conn, park_id, as_of), zone_id(conn, park_id, zone))


def rows(conn: psycopg.Connection, park_id: int, as_of: date | None = None) -> list[dict]:
    """park_indicators()'s rows as of a date, the park's and every zone's: what `readings`
    reads, and what app.answers keeps per data version for the dashboard and the API."""
    return list(queries().indicators.evaluate(conn, park_id=park_id, as_of=as_of))


def readings(found: list[dict], zone: int | None = None) -> dict:
    """The readings of `rows` (or their kept JSON copy), the park's and each zone's (or one
    zone's, by id)."""
    evaluated = found[0]["evaluated_on"]
    if isinstance(evaluated, str):  # kept as JSON
        evaluated = date.fromisoformat(evaluated)
    found = [r for r in found if r["key"] is not None]
    park = [_reading(r) for r in found if r["zone_id"] is None]
    zones: dict[int, dict] = {}
    for r in found:
        if r["zone_id"] is not None and zone in (None, r["zone_id"]):
            zones.setdefault(r["zone_id"], {
                "id": r["zone_id"], "code": r["zone_code"], "name": r["zone_name"],
                "name_en": r["zone_name_en"], "indicators": []})["indicators"].append(
                _reading(r))
    return {"evaluated_on": evaluated, "park": park, "zones": list(zones.values())}


def plots(conn: psycopg.Connection, park_id: int, key: str, as_of: date | None = None,
          zone: str | None = None, which: str | None = None) -> dict:
    """The plots behind one number of `evaluate` (the park's, or a zone's by code):
    `which` is "plots" (the numerator's, the default), "base_plots" or "missing_plots"."""
    if key not in INDICATORS:
        raise NotFound(Text(NO_INDICATOR, key=key, keys=", ".join(INDICATORS)),
                       code="indicator_not_found")
    which = which or "plots"
    if which not in SETS:
        raise BadRequest(Text(NO_SET, which=which, sets=", ".join(SETS)), code="bad_set")
    rows = list(queries().indicators.plots(conn, park_id=park_id, as_of=as_of, key=key,
                                           zone_id=zone_id(conn, park_id, zone),
                                           which=which))
    return {"key": key, "name": Text(INDICATORS[key].name), "set": which, "zone": zone,
            "plots": rows}


def zone_id(conn: psycopg.Connection, park_id: int, zone: str | None) -> int | None:
    """A zone of the park by its code (None: the whole park); NotFound for another code
    (a zone without plots is still a zone: its readings are simply empty)."""
    if zone is None:
        return None
    found = queries().imports.zone_id(conn, park_id=park_id, code=zone)  # the same lookup
    if found is None:
        raise NotFound(Text(ZONE_NOT_FOUND, zone=zone), code="zone_not_found")
    return found
