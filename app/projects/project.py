"""A project's record (DESIGN §4.7): company, industry, investment, key-list tags, the
people responsible, zone and stage; the park's list with search, filters, sort and pages;
one project with its milestones, progress, plots and flag; its history. Free of Flask."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import psycopg

from .. import clock, history, labels, schemas
from ..db import queries
from ..errors import NotFound, Text
from ..labels import N_
from . import milestone, progress, records

# Each editable field's name (the form's labels, the history, the refusals); money in 万元.
FIELDS: dict[str, str] = {
    "code": N_("Project code"), "name": N_("Project name"), "company": N_("Company"),
    "industry_code": N_("Industry (GB/T 4754-2017)"),
    "planned_investment": N_("Planned investment (10k yuan)"),
    "completed_investment": N_("Completed investment (10k yuan)"),
    "tags": N_("Key-list tags"), "leader": N_("Responsible leader"),
    "responsible_unit": N_("Responsible unit"),
    "service_official": N_("Chief service official"), "zone_id": N_("Zone"),
    "stage": N_("Stage"),
}
EDITABLE = frozenset(FIELDS)
# The key lists a project may be on (tags' codes); any other word is a free tag.
TAGS: dict[str, str] = {
    "provincial_key": N_("Provincial key project"),
    "municipal_key": N_("Municipal key project"),
    "district_key": N_("District key project"),
    "two_plus_ten": N_("2+10 key industrial project"),
    "seven_batches": N_("Seven-batches project"),
}
FLAGS: dict[str, str] = {"red": N_("Red flag"), "black": N_("Black flag")}
# The list's sort keys (sql/queries/projects/search.sql) and its filters.
SORTS = ("code", "name", "company", "stage", "flag", "zone", "industry", "leader",
         "service_official", "planned_investment", "completed_investment", "area")
FILTERS = ("q", "stage", "zone", "industry", "leader", "service_official", "flag", "tag")
PAGE_SIZE = 50

# The body of a create (code and name required) and of an edit's properties.
_PERSON = {"type": "string", "minLength": 1, "maxLength": schemas.MAX_NAME,
           "pattern": r"^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$"}
_TAG = {"type": "string", "minLength": 1, "maxLength": 50,
        "pattern": r"^[^|,\s\u3000\u0000-\u001f\u007f-\u009f\u2028\u2029]*$"}
_MONEY = {"anyOf": [{"type": "number", "minimum": 0, "maximum": schemas.MAX_MONEY},
                    {"type": "null"}]}
PROPERTIES = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "code": {"type": "string", "minLength": 1, "maxLength": 50,
                 "pattern": schemas.CLEAN_TEXT},
        "name": {"type": "string", "minLength": 1, "maxLength": schemas.MAX_NAME,
                 "pattern": schemas.CLEAN_TEXT},
        **{f: {"anyOf": [_PERSON, {"type": "null"}]}
           for f in ("company", "leader", "responsible_unit", "service_official")},
        "industry_code": {"anyOf": [{"type": "string", "pattern": r"^[0-9]{2,4}$"},
                                    {"type": "null"}]},
        "planned_investment": _MONEY, "completed_investment": _MONEY,
        "tags": {"type": "array", "maxItems": 20, "items": _TAG},
        "zone_id": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                              {"type": "null"}]},
        "stage": {"enum": list(labels.PROJECT_STAGES)},
    },
}
CREATE = {"type": "object", "additionalProperties": False, "required": ["properties"],
          "properties": {"properties": {**PROPERTIES, "required": ["code", "name"]}}}
EDIT = {"type": "object", "additionalProperties": False, "required": ["properties"],
        "properties": {"version": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                       "properties": PROPERTIES}}


@dataclass(frozen=True)
class ListQuery:
    """What the list shows: filters (None: not applied), sort key and direction, page."""

    filters: dict
    sort: str = "code"
    descending: bool = False
    page: int = 1
    as_of: date | None = None


def search(conn: psycopg.Connection, park_id: int, query: ListQuery) -> dict:
    """A page of the park's projects: {rows, matched, page, pages}; each row with its
    names, flag and reasons, investments and occupied area (m², 亩)."""
    found = queries().projects.search(
        conn, park_id=park_id, as_of=query.as_of, sort=query.sort,
        descending=query.descending, max_rows=PAGE_SIZE, skip=(query.page - 1) * PAGE_SIZE,
        **{f: query.filters.get(f) for f in FILTERS})
    matched = found["matched"]
    return {"rows": found["rows"], "matched": matched, "page": query.page,
            "pages": max(1, -(-matched // PAGE_SIZE))}


def choices(conn: psycopg.Connection, park_id: int) -> dict:
    """What the form and the filters offer: zones, industries, the people and units the
    park's projects name, the tags, stages and flags."""
    people = queries().projects.people(conn, park_id=park_id)
    return {"zones": list(queries().plots.zones(conn, park_id=park_id)),
            "industries": list(queries().projects.industries(conn)),
            "leaders": people["leaders"], "service_officials": people["service_officials"],
            "units": people["units"],
            "tags": sorted(set(TAGS) | set(people["tags"]), key=lambda t: (t not in TAGS, t)),
            "stages": labels.PROJECT_STAGES, "flags": FLAGS, "tag_names": TAGS}


def get(conn: psycopg.Connection, project_id: int, as_of: date | None = None) -> dict:
    """One project: its fields with the names of its zone and industry, its flag (with days
    behind and reasons) as of a date, its milestones (days late), progress reports, the
    plots it occupies and their total area (m², 亩)."""
    q = queries().projects
    row = q.get(conn, id=project_id)
    if row is None:
        raise NotFound(Text(records.NOT_FOUND, what=_what(project_id)))
    plots = list(q.plots(conn, id=project_id))
    area = sum(p["area_m2"] or 0 for p in plots)
    return {**row, "flag": q.flag(conn, park_id=row["park_id"], id=project_id, as_of=as_of),
            "milestones": milestone.of_project(conn, project_id, as_of),
            "progress": progress.of_project(conn, project_id), "plots": plots,
            "area_m2": area, "area_mu": area * 15 / 10000}


def create(conn: psycopg.Connection, park_id: int, values: dict) -> int:
    """A new project of the park; returns its id. Refusals name the field."""
    values = _checked(conn, park_id, values, CREATE)
    return records.write(conn, lambda: queries().projects.insert(
        conn, park_id=park_id, values=json.dumps(values)), fields=FIELDS,
        what=Text(N_("project %(code)s"), code=values.get("code")))


def update(conn: psycopg.Connection, project_id: int, version: int, changes: dict) -> int:
    """Edit a project if nobody changed it since `version` was read; returns the new
    version. A stale version is a 409 carrying the project as it is now."""
    row = queries().projects.get(conn, id=project_id)
    if row is None:
        raise NotFound(Text(records.NOT_FOUND, what=_what(project_id)))
    changes = _checked(conn, row["park_id"], changes, EDIT)
    return records.write(conn, lambda: queries().projects.update(
        conn, id=project_id, version=version, changes=json.dumps(changes)), fields=FIELDS,
        what=_what(project_id), version=version,
        current=lambda: current_values(conn, project_id))


def delete(conn: psycopg.Connection, project_id: int, version: int) -> None:
    """Delete a project (its milestones, reports and plot links with it) at the version
    read; audited like every write."""
    records.write(conn, lambda: queries().projects.delete(conn, id=project_id, version=version),
                  fields=FIELDS, what=_what(project_id), version=version,
                  current=lambda: current_values(conn, project_id))


def _what(project_id: int) -> Text:
    return Text(N_("project %(id)s"), id=project_id)


def _checked(conn: psycopg.Connection, park_id: int, data: dict, schema: dict) -> dict:
    """The properties of a create or edit body, checked: types, ranges, lengths, the zone
    of the park; blanks (an empty text) are None; name and code may not be cleared."""
    values = records.check(schema, data, FIELDS)["properties"]
    for key in ("name", "code"):
        if key in values and not str(values[key]).strip():
            raise records.labelled(schemas.refuse(key, "minLength"), FIELDS)
    if values.get("zone_id") is not None and values["zone_id"] not in {
            z["id"] for z in queries().plots.zones(conn, park_id=park_id)}:
        raise records.labelled(schemas.refuse("zone_id", "unknown"), FIELDS)
    if "tags" in values:
        values["tags"] = list(dict.fromkeys(t.strip() for t in values["tags"] if t.strip()))
    return values


def current_values(conn: psycopg.Connection, project_id: int) -> dict | None:
    """A project's editable fields and version now, and who changed it last (what a 409
    carries so that the editor can compare without guessing); None when it is gone."""
    row = queries().projects.get(conn, id=project_id)
    if row is None:
        return None
    last = history.entries(conn, "projects", project_id,
                           clock.park_timezone(conn, row["park_id"]), limit=1)
    return {"version": row["version"], "properties": {k: row[k] for k in sorted(EDITABLE)},
            "changed_by": last[0]["user"] if last else None,
            "changed_at": last[0]["at"] if last else None}


# The columns of the history that are not a project field, by table.
_ROW_FIELDS = {"milestones": milestone.FIELDS, "progress_reports": progress.FIELDS,
               "project_plots": {"plot_id": N_("Plot"), "claimed_area_m2": N_("Claimed area (m²)"),
                                 "conflict_reason": N_("Reason for accepting the conflicts")}}
_RECORDS = {"projects": N_("Project"), "milestones": N_("Milestone"),
            "progress_reports": N_("Progress report"), "project_plots": N_("Occupied plot")}


def history_of(conn: psycopg.Connection, project_id: int,
               gettext: Callable[[str], str] = str, lang: str = "zh") -> list[dict]:
    """The project's history, newest first: its own changes and those of its milestones,
    progress reports and plot links, each entry naming its record (e.g. "Milestone 开工")
    and its fields in the language of `gettext`/`lang`, coded values by name."""
    row = queries().projects.get(conn, id=project_id)
    if row is None:
        raise NotFound(Text(records.NOT_FOUND, what=_what(project_id)))
    names = _value_names(conn, row["park_id"], gettext, lang)

    def describe(field: str, value) -> str | None:
        if value is None:
            return None
        if field == "tags":
            return ", ".join(gettext(TAGS[t]) if t in TAGS else t for t in value)
        return names.get(field, {}).get(str(value))

    rows = list(queries().projects.history(
        conn, id=project_id, timezone=clock.park_timezone(conn, row["park_id"]),
        max_rows=history.MAX_ENTRIES))
    # a plot link names its plot by code (a plot retired since keeps its id)
    linked = {(r["after"] or r["before"] or {}).get("plot_id") for r in rows
              if r["table_name"] == "project_plots"} - {None}
    names["plot_id"] = {str(p["id"]): p["code"] for p in queries().projects.plot_ids(
        conn, park_id=row["park_id"], plot_ids=sorted(linked))} if linked else {}
    entries = history.readable(rows, order=[*FIELDS, *milestone.FIELDS, *progress.FIELDS],
                               describe=describe)
    shown = []
    for entry, raw in zip(entries, rows, strict=True):
        table = raw["table_name"]
        labels_of = FIELDS if table == "projects" else _ROW_FIELDS[table]
        image = raw["after"] or raw["before"] or {}
        entry["record"] = gettext(_RECORDS[table])
        entry["record_key"] = (names["stage"].get(image.get("stage"), "")
                               if table == "milestones" else
                               image.get("reported_on", "") if table == "progress_reports"
                               else names["plot_id"].get(str(image.get("plot_id")), ""))
        entry["changes"] = [dict(c, label=gettext(labels_of[c["field"]]))
                            for c in entry["changes"] if c["field"] in labels_of]
        # saving the plots bumps the project's version only: its links tell what changed
        if not (table == "projects" and raw["action"] == "update" and not entry["changes"]):
            shown.append(entry)
    return shown


def _value_names(conn: psycopg.Connection, park_id: int, gettext: Callable[[str], str],
                 lang: str) -> dict[str, dict[str, str]]:
    """code → "code name" of the coded fields, in the user's language."""
    found = choices(conn, park_id)
    name = "name_en" if lang == "en" else "name_zh"
    industries = {r["code"]: r[name] for r in found["industries"]}
    return {
        "zone_id": {str(r["id"]): " ".join(filter(None, (
            r["code"], (r["name_en"] or r["name"]) if lang == "en" else r["name"])))
            for r in found["zones"]},
        "stage": {k: gettext(v) for k, v in labels.PROJECT_STAGES.items()},
        "industry_code": _IndustryNames(industries),
    }


class _IndustryNames(dict):
    """An industry code's name: its division's (the first two digits), beside the code."""

    def __init__(self, divisions: dict[str, str]):
        super().__init__()
        self.divisions = divisions

    def get(self, code, default=None):
        division = self.divisions.get(str(code)[:2])
        return f"{code} {division}" if division else default

