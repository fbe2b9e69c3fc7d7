"""The board (看板, issue 12 item 4): the park's projects as cards in columns by stage
(在谈 → 签约 → 供地 → 开工 → 竣工 → 投产), filtered like the project list; and moving a card
to the next stage, which records the stage's milestone with its actual date (audited,
version-checked like every edit). Free of Flask."""

from __future__ import annotations

import psycopg

from .. import clock, labels
from ..db import queries, transaction
from ..errors import AtlasError, BadRequest, NotFound, Text, stale
from ..labels import N_
from . import milestone, project, records

STAGES = tuple(labels.PROJECT_STAGES)
# The most cards a board shows (the list's filters narrow a larger park).
MAX_CARDS = 5000
FIELDS = {**milestone.FIELDS, "version": N_("Version"),
          "milestone_version": N_("Milestone version")}
_VERSION = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
MOVE = {"type": "object", "additionalProperties": False,
        "required": ["version", "stage", "actual_on"],
        "properties": {"version": _VERSION, "stage": {"enum": list(STAGES[1:])},
                       "actual_on": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                       "milestone_version": {"anyOf": [_VERSION, {"type": "null"}]}}}
NOT_NEXT = N_("%(what)s is at stage %(stage)s: it can only move to the next stage, "
              "%(next)s")


def next_stage(stage: str) -> str | None:
    """The stage after `stage` (None after 投产)."""
    at = STAGES.index(stage)
    return STAGES[at + 1] if at + 1 < len(STAGES) else None


def board(conn: psycopg.Connection, park_id: int, query: project.ListQuery) -> dict:
    """The park's projects matching the list's filters as cards by stage: {stages: [{stage,
    cards}], matched, shown, today}. A card is a list row (names, flag, days behind and
    reasons, investments, leader) with its progress (the latest report on or before the
    date), its plots, and its next stage with that milestone's id, version and dates."""
    found = queries().projects.search(
        conn, park_id=park_id, as_of=query.as_of, sort="code", descending=False,
        max_rows=MAX_CARDS, skip=0, **{f: query.filters.get(f) for f in project.FILTERS})
    extras = {r["id"]: r for r in queries().projects.board_extras(
        conn, park_id=park_id, as_of=query.as_of)}
    columns: dict[str, list] = {s: [] for s in STAGES}
    for row in found["rows"]:
        extra = extras.get(row["id"], {})
        columns[row["stage"]].append({**row, **records.jsonable(
            {k: v for k, v in extra.items() if k != "id"})})
    return {"stages": [{"stage": s, "cards": columns[s]} for s in STAGES],
            "matched": found["matched"], "shown": len(found["rows"]),
            "today": clock.park_today(conn, park_id).isoformat()}


def move(conn: psycopg.Connection, project_id: int, body: dict) -> dict:
    """Move a project to its next stage on the date it got there: the project's stage and
    the stage's milestone (its actual date; added when there is none) in one transaction.
    A stale project or milestone version is a 409 carrying the project and the milestone
    as they are now; a date in the future or off the calendar is refused (400)."""
    values = records.check(MOVE, body, FIELDS)
    records.calendar_date(values, "actual_on", FIELDS)
    row = queries().projects.get(conn, id=project_id)
    if row is None:
        raise NotFound(Text(records.NOT_FOUND, what=Text(records.PROJECT, id=project_id)))
    target = values["stage"]
    if values["version"] == row["version"] and next_stage(row["stage"]) != target:
        raise BadRequest(Text(NOT_NEXT, what=Text(records.PROJECT, id=project_id),
                              stage=Text(labels.PROJECT_STAGES[row["stage"]]),
                              next=Text(labels.PROJECT_STAGES.get(
                                  next_stage(row["stage"]) or "", N_("none")))),
                         details={"field": "stage"})
    q = queries().projects
    try:
        with transaction(conn):
            version = q.advance_stage(conn, id=project_id, version=values["version"],
                                      from_stage=STAGES[STAGES.index(target) - 1],
                                      to_stage=target)
            if version is None:
                now = project.current_values(conn, project_id) or {}
                raise _stale(conn, project_id, target, Text(records.PROJECT, id=project_id),
                             now.get("version") or 0, values["version"])
            reached = q.milestone_reach(conn, project_id=project_id, stage=target,
                                        actual_on=values["actual_on"],
                                        version=values.get("milestone_version"))
            if reached is None:
                now = _milestone_now(conn, project_id, target)
                raise _stale(conn, project_id, target, Text(milestone.ROWS.noun,
                                                            id=(now or {}).get("id")),
                             (now or {}).get("version") or 0,
                             values.get("milestone_version") or 0)
    except AtlasError as exc:
        raise records.labelled(exc, FIELDS) from None
    return {"id": project_id, "stage": target, "version": version, "milestone_id": reached}


def _milestone_now(conn: psycopg.Connection, project_id: int, stage: str) -> dict | None:
    found = [m for m in milestone.of_project(conn, project_id) if m["stage"] == stage]
    return records.jsonable({k: v for k, v in found[0].items() if k != "days_late"}) \
        if found else None


def _stale(conn: psycopg.Connection, project_id: int, stage: str, what: Text, current: int,
           version: int) -> AtlasError:
    """The 409 of a move made to an old version: the project (who changed it last) and
    the milestone of the target stage as they are now."""
    exc = stale(what, current, version)
    exc.details["current"] = project.current_values(conn, project_id)
    exc.details["milestone"] = _milestone_now(conn, project_id, stage)
    return exc
