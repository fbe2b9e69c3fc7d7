"""Progress reports (进度报告): a project's dated reading of the share of works done, the
investment completed to date, a note and who reported it. The project's completed
investment follows its latest report that states one (trigger progress_reports_investment,
sql/source/04_projects.sql); a report dated in the future is refused. Free of Flask."""

from __future__ import annotations

import psycopg

from .. import schemas
from ..db import queries
from ..labels import N_
from . import records

FIELDS: dict[str, str] = {
    "reported_on": N_("Report date"), "progress_pct": N_("Works done (percent)"),
    "investment_done": N_("Investment completed to date (10k yuan)"), "note": N_("Note"),
    "reporter": N_("Reporter")}
PROPERTIES = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "reported_on": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "progress_pct": {"type": "number", "minimum": 0, "maximum": 100},
        "investment_done": {"anyOf": [{"type": "number", "minimum": 0,
                                       "maximum": schemas.MAX_MONEY}, {"type": "null"}]},
        "note": {"anyOf": [{"type": "string", "maxLength": schemas.MAX_NOTE},
                           {"type": "null"}]},
        "reporter": {"anyOf": [{"type": "string", "maxLength": schemas.MAX_NAME,
                                "pattern": r"^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$"},
                               {"type": "null"}]},
    }}
CREATE = {"type": "object", "additionalProperties": False, "required": ["properties"],
          "properties": {"properties": {**PROPERTIES,
                                        "required": ["reported_on", "progress_pct"]}}}
EDIT = {"type": "object", "additionalProperties": False, "required": ["properties"],
        "properties": {"version": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                       "properties": PROPERTIES}}


def of_project(conn: psycopg.Connection, project_id: int) -> list:
    """A project's reports, newest first."""
    return list(queries().projects.progress(conn, id=project_id))


ROWS = records.Rows("report", N_("progress report %(id)s"), FIELDS, CREATE, EDIT,
                    dates=("reported_on",))
# add(conn, project_id, body): a report of a date the project has none of (a second one
# is a 409); update(conn, project_id, report_id, version, body); delete(conn, project_id,
# report_id, version).
add, update, delete = ROWS.add, ROWS.update, ROWS.delete
