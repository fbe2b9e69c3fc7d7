"""Milestones (节点): a project's planned and actual date of each stage after negotiating.
Planned dates may be in any order; an actual date in the future is refused (the database's
trigger milestones_not_future, sql/source/04_projects.sql). Free of Flask."""

from __future__ import annotations

import json
from datetime import date

import psycopg

from .. import labels
from ..db import queries
from ..errors import Text
from ..labels import N_
from . import records

FIELDS: dict[str, str] = {"stage": N_("Stage"), "planned_on": N_("Planned date"),
                          "actual_on": N_("Actual date")}
STAGES = {k: v for k, v in labels.PROJECT_STAGES.items() if k != "negotiating"}
_DATE = {"anyOf": [{"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}, {"type": "null"}]}
PROPERTIES = {"type": "object", "additionalProperties": False,
              "properties": {"stage": {"enum": list(STAGES)}, "planned_on": _DATE,
                             "actual_on": _DATE}}
CREATE = {"type": "object", "additionalProperties": False, "required": ["properties"],
          "properties": {"properties": {**PROPERTIES, "required": ["stage"]}}}
EDIT = {"type": "object", "additionalProperties": False, "required": ["properties"],
        "properties": {"version": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                       "properties": {**PROPERTIES, "properties": {
                           k: v for k, v in PROPERTIES["properties"].items()
                           if k != "stage"}}}}


def of_project(conn: psycopg.Connection, project_id: int, as_of: date | None = None) -> list:
    """A project's milestones in stage order, with the days late as of a date."""
    return list(queries().projects.milestones(conn, id=project_id, as_of=as_of))


def add(conn: psycopg.Connection, project_id: int, body: dict) -> int:
    """A milestone for a stage the project has none of (a second one is a 409)."""
    values = _checked(body, CREATE)
    return records.write(conn, lambda: queries().projects.milestone_insert(
        conn, project_id=project_id, stage=values["stage"],
        planned_on=values.get("planned_on"), actual_on=values.get("actual_on")),
        fields=FIELDS, what=Text(N_("project %(id)s"), id=project_id))


def update(conn: psycopg.Connection, project_id: int, milestone_id: int, version: int,
           body: dict) -> int:
    """Change a milestone's planned or actual date (null clears it) at the version read."""
    values = _checked(body, EDIT)
    return records.write(conn, lambda: queries().projects.milestone_update(
        conn, id=milestone_id, project_id=project_id, version=version,
        changes=json.dumps(values)), fields=FIELDS, what=_what(milestone_id),
        version=version, current=lambda: _current(conn, project_id, milestone_id))


def delete(conn: psycopg.Connection, project_id: int, milestone_id: int, version: int) -> None:
    records.write(conn, lambda: queries().projects.milestone_delete(
        conn, id=milestone_id, project_id=project_id, version=version), fields=FIELDS,
        what=_what(milestone_id), version=version,
        current=lambda: _current(conn, project_id, milestone_id))


def _what(milestone_id: int) -> Text:
    return Text(N_("milestone %(id)s"), id=milestone_id)


def _current(conn: psycopg.Connection, project_id: int, milestone_id: int) -> dict | None:
    row = queries().projects.milestone_current(conn, id=milestone_id, project_id=project_id)
    return records.jsonable(row)


def _checked(body: dict, schema: dict) -> dict:
    values = records.check(schema, body, FIELDS)["properties"]
    for name in ("planned_on", "actual_on"):
        records.calendar_date(values, name, FIELDS)
    return values
