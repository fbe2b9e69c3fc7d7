"""What the dashboard shows (issue 15 item 2), as one dict for the page, its JSON and its
documents: the indicators of the park or one zone as of today with the change since the
last month end, the 24-month trend, the land per zone and per stage, the idle and
low-efficiency totals, and the first infrastructure priorities. Free of Flask."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg

from .. import answers, labels, parks
from ..crs import M2_PER_MU
from ..errors import Text
from ..indicators import indicator
from . import snapshot

# the land of each zone from the indicators' own sums (m²): developable (the development
# rate's base), developed, supplied and built (its, the supply and the built rate's numerators)
ZONE_LAND = (("developable", "development_rate", "denominator"),
             ("developed", "development_rate", "numerator"),
             ("supplied", "supply_rate", "numerator"),
             ("built", "built_rate", "numerator"))
ORDER = list(indicator.INDICATORS)
Kept = Callable[[str], Any]
# the whole-park parts as of today, app.answers' kinds (kept on the web, dashboard.web)
KEPT = ("indicators", "summary", "priority_top")
TOTAL_FLAGS = ("idle", "idle_disposed", "low_efficiency", "approved_not_supplied",
               "supplied_not_used")


def overview(conn: psycopg.Connection, park_id: int, zone: str | None = None,
             kept: Kept | None = None) -> dict:
    """The dashboard of a park, its numbers those of one zone (by code) or of the park.
    `kept(kind)` gives a whole-park part as of today — the indicators' rows, the status
    summary, the first priorities (app.answers' kinds) — the kept copy on the web (see
    dashboard.web); computed here when None."""
    kept = kept or (lambda kind: answers.KINDS[kind](conn, park_id, None))
    zone_id = indicator.zone_id(conn, park_id, zone)  # another code: NotFound
    now = indicator.readings(kept("indicators"))
    readings = now["park"]
    if zone:
        found = [z for z in now["zones"] if z["id"] == zone_id]
        # a zone without plots has no readings: every number "—"
        readings = found[0]["indicators"] if found else [_empty(r) for r in now["park"]]
    history = snapshot.trend(conn, park_id, refresh_first=parks.plot_count(
        conn, park_id) <= snapshot.REFRESH_PLOTS)
    scope = history["scopes"].get(zone or "", {})
    cards = []
    for reading in sorted(readings, key=lambda r: ORDER.index(r["key"])):
        before = (scope.get(reading["key"]) or [None])[-1]
        previous = before["value"] if before else None
        # rounded: the same land summed in another order differs in the 13th digit
        change = None if previous is None or reading["value"] is None \
            else round(reading["value"] - previous, 6)
        cards.append({**reading, "previous": previous, "change": change})
    summary = kept("summary")
    flags = {f["flag"]: f for f in summary["flags"]}
    return {
        "evaluated_on": now["evaluated_on"], "zone": zone,
        "last_month_end": history["months"][-1] if history["months"] else None,
        "stale": history["stale"], "computed_at": history["computed_at"],
        "cards": cards,
        "trend": {"months": history["months"],
                  "series": {key: [r["value"] if r else None for r in values]
                             for key, values in scope.items()}},
        "zones": [_zone_land(z) for z in now["zones"]],
        "stages": [{**s, "name": Text(labels.STAGES.get(s["stage"], s["stage"]))}
                   for s in summary["stages"]],
        "totals": [{"flag": f, "name": Text(labels.FLAGS[f]),
                    "count": flags.get(f, {}).get("count", 0),
                    "area_mu": flags.get(f, {}).get("area_mu", 0)} for f in TOTAL_FLAGS],
        "priorities": kept("priority_top"),
    }


def _empty(reading: dict) -> dict:
    """A reading of a scope with no land: no value, no plots."""
    return {**reading, **{k: None for k in ("value", "value_per_mu", "denominator")
                          if k in reading},
            "numerator": 0, **{k: 0 for k in indicator.SETS}} | (
        {"hectares": 0} if "hectares" in reading else {})


def _zone_land(zone: dict) -> dict:
    """A zone's land by how far it has come (亩), from its indicators' sums."""
    sums = {r["key"]: r for r in zone["indicators"]}
    land = {name: (sums[key][part] or 0) / M2_PER_MU if key in sums else 0
            for name, key, part in ZONE_LAND}
    return {"code": zone["code"], "name": zone["name"], "name_en": zone["name_en"], **land,
            "values": {key: r["value"] for key, r in sums.items()}}
