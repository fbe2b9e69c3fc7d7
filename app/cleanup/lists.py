"""The four clean-up lists as of a date (sql/source/20_cleanup.sql `cleanup_plots`,
sql/queries/cleanup/plots.sql): filters in SQL, the sort here (a list is a few hundred
plots; the keys are whitelisted). Free of Flask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import psycopg

from ..clock import park_today
from ..db import queries
from ..errors import BadRequest, NotFound, Text
from ..labels import FLAGS, INDICATORS, N_, STAGES

# The lists, in the order the page's tabs show them: key → name.
LISTS: dict[str, str] = {
    "idle": N_("Idle land"),
    "low_efficiency": N_("Low-efficiency land"),
    "approved_not_supplied": N_("Approved, not supplied"),
    "supplied_not_used": N_("Supplied, not used"),
}
# The type/cause filter's values per list (the rows' `kinds`) and their names.
KINDS: dict[str, dict[str, str]] = {
    "idle": {k: FLAGS[k] for k in ("idle_a", "idle_b", "idle_warning", "idle_fee_due",
                                   "reclaim_due", "government_cause", "idle_disposed")},
    "low_efficiency": INDICATORS,
    "approved_not_supplied": {k: STAGES[k] for k in ("approved", "requisitioned", "banked")},
    "supplied_not_used": {k: STAGES[k] for k in ("supplied", "delivered")},
}
# Sort keys (a leading "-" sorts descending); None sorts last either way.
SORTS = ("code", "zone", "land_user", "area_mu", "clock_from", "days_left", "days_over",
         "age_days")
DEFAULT_SORT = {"idle": "days_left", "low_efficiency": "code",
                "approved_not_supplied": "-age_days", "supplied_not_used": "-age_days"}

NO_LIST = N_("%(list)s is not a clean-up list; the lists are %(lists)s")
NO_KIND = N_("%(kind)s is not a type or cause of this list; use one of %(kinds)s")
NO_SORT = N_("%(sort)s is not a sort key; use one of %(sorts)s (a leading - sorts descending)")


@dataclass(frozen=True)
class Filters:
    zone: str | None = None
    kind: str | None = None
    land_user: str | None = None
    due_within: int | None = None   # next legal mark within this many days, or passed
    sort: str | None = None


NO_FILTERS = Filters()


def check_list(name: str) -> str:
    if name not in LISTS:
        raise NotFound(Text(NO_LIST, list=name, lists=", ".join(LISTS)), code="no_such_list")
    return name


def check_filters(name: str, filters: Filters) -> Filters:
    """Refuse a kind the list does not have and an unknown sort key (400, naming them)."""
    if filters.kind is not None and filters.kind not in KINDS[name]:
        raise BadRequest(Text(NO_KIND, kind=filters.kind, kinds=", ".join(KINDS[name])),
                         code="bad_kind")
    if filters.sort is not None and filters.sort.lstrip("-") not in SORTS:
        raise BadRequest(Text(NO_SORT, sort=filters.sort, sorts=", ".join(SORTS)),
                         code="bad_sort")
    return filters


def rows(conn: psycopg.Connection, park_id: int, name: str, as_of: date,
         filters: Filters = NO_FILTERS) -> list[dict]:
    """The list's plots as of `as_of`, filtered and sorted."""
    check_filters(check_list(name), filters)
    found = list(queries().cleanup.plots(
        conn, park_id=park_id, as_of=as_of, list=name, zone=filters.zone, kind=filters.kind,
        land_user=filters.land_user, due_within=filters.due_within))
    return ordered(found, filters.sort or DEFAULT_SORT[name])


def ordered(found: list[dict], sort: str) -> list[dict]:
    """Rows by one key (descending with a leading "-"), blanks last, then by plot code."""
    key, descending = sort.lstrip("-"), sort.startswith("-")
    found = sorted(found, key=lambda r: r["code"])
    present = [r for r in found if r[key] is not None]
    present.sort(key=lambda r: r[key], reverse=descending)
    return present + [r for r in found if r[key] is None]


def totals(found: list[dict]) -> dict:
    """How many plots and how many 亩 the list holds."""
    return {"plots": len(found), "area_mu": sum(r["area_mu"] or 0 for r in found)}


def listing(conn: psycopg.Connection, park_id: int, name: str, as_of: date | None,
            filters: Filters = NO_FILTERS) -> dict:
    """The list as the API answers it: the date, the filters, the totals and the plots."""
    as_of = as_of or park_today(conn, park_id)
    found = rows(conn, park_id, name, as_of, filters)
    return {"list": name, "name": Text(LISTS[name]), "as_of": as_of.isoformat(),
            "filters": {k: v for k, v in vars(filters).items() if v is not None},
            "totals": totals(found), "plots": found}



# How a failing indicator's numbers read: shares as percentages, the rest as they are.
SHARES = ("building_coefficient", "admin_living_share")
FAILING = {"min": ("{name} {value}，低于下限 {limit}（差 {gap}）",
                   "{name} {value}, below the minimum {limit} (short by {gap})"),
           "max": ("{name} {value}，超过上限 {limit}（超出 {gap}）",
                   "{name} {value}, above the maximum {limit} (over by {gap})")}


def failing_text(item: dict, lang: str = "zh") -> str:
    """One failing indicator in words: its name, value, limit and by how much it fails."""
    # imported here: app.exporters imports app.params, which imports this module
    from ..exporters.headings import pick, vocabulary_name

    share = item["indicator"] in SHARES
    scale, suffix, digits = (100, "%", 1) if share else (1, "", 2)

    def shown(v: float) -> str:
        return f"{v * scale:.{digits}f}{suffix}"

    return pick(FAILING[item["bound"]], lang).format(
        name=vocabulary_name(INDICATORS, item["indicator"], lang), value=shown(item["value"]),
        limit=shown(item["limit"]), gap=shown(abs(item["gap"])))
