"""Milestones (节点): a project's planned and actual date of each stage after negotiating.
Planned dates may be in any order; an actual date in the future is refused (the database's
trigger milestones_not_future, sql/source/04_projects.sql). Free of Flask."""

from __future__ import annotations

from datetime import date

import psycopg

from .. import labels
from ..db import queries
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


ROWS = records.Rows("milestone", N_("milestone %(id)s"), FIELDS, CREATE, EDIT,
                    dates=("planned_on", "actual_on"))
# add(conn, project_id, body): a milestone for a stage the project has none of (a second
# one is a 409); update(conn, project_id, milestone_id, version, body): change or clear
# (null) its dates at the version read; delete(conn, project_id, milestone_id, version).
add, update, delete = ROWS.add, ROWS.update, ROWS.delete
