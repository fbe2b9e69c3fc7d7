"""A decision on an idle or low-efficiency plot (处置): 限期动工 with a new start deadline,
征缴闲置费 with the fee, 无偿收回, 协议有偿收回, 置换 or 改变用途, each with its date, 文号
and note. Every decision is kept (table plot_disposals, audited); the plot's current
disposal (plots.disposal, disposal_on, disposal_note, which the status engine reads) is the
latest, written in the same statement (sql/queries/disposal/record.sql) and version-checked
against the plot: a stale version is a 409 carrying the plot as it is now. Free of Flask."""

from __future__ import annotations

from datetime import date

import psycopg

from .. import plots, schemas
from ..db import queries
from ..errors import BadRequest, NotFound, Text
from ..labels import DISPOSALS, N_
from ..projects.records import calendar_date, check, jsonable, write

FIELDS: dict[str, str] = {
    "kind": N_("Decision"), "decided_on": N_("Decision date"),
    "deadline_on": N_("New start deadline"), "amount": N_("Idle fee (10k yuan)"),
    "doc_no": N_("Document number"), "note": N_("Note")}
DATES = ("decided_on", "deadline_on")
_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
PROPERTIES = {
    "type": "object", "additionalProperties": False,
    "required": ["kind", "decided_on", "doc_no"],
    "properties": {
        "kind": {"enum": list(DISPOSALS)},
        "decided_on": _DATE,
        "deadline_on": {"anyOf": [_DATE, {"type": "null"}]},
        "amount": {"anyOf": [{"type": "number", "exclusiveMinimum": 0,
                              "maximum": schemas.MAX_MONEY}, {"type": "null"}]},
        "doc_no": {"type": "string", "minLength": 1, "maxLength": 200,
                   "pattern": r"^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*\S"
                              r"[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$"},
        "note": {"anyOf": [{"type": "string", "maxLength": schemas.MAX_NOTE},
                           {"type": "null"}]}}}
BODY = {"type": "object", "additionalProperties": False, "required": ["version", "properties"],
        "properties": {"version": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                       "properties": PROPERTIES}}

NEEDS_DEADLINE = N_("a start deadline decision needs the new deadline")
NO_DEADLINE = N_("only a start deadline decision has a new deadline; leave it empty")
DEADLINE_BEFORE = N_("the new start deadline %(deadline)s must be after the decision date "
                     "%(decided)s")
NEEDS_AMOUNT = N_("an idle fee decision needs its amount, a number above 0 (10k yuan)")
NO_AMOUNT = N_("only an idle fee decision has an amount; leave it empty")
IN_FUTURE = N_("the decision date %(decided)s is after today (%(today)s)")
BEFORE_LATEST = N_("a later decision (of %(latest)s) is already recorded on this plot; "
                   "a new decision cannot be dated before it")
NO_PLOT = N_("no plot with id %(id)s")


def form(conn: psycopg.Connection, plot_id: int) -> dict:
    """What the decision form shows: the plot (code, version, land price, current disposal),
    today, the fee pre-filled as the park's share (20 %) of the land price, the history."""
    plot = queries().disposal.plot(conn, plot_id=plot_id)
    if plot is None:
        raise NotFound(Text(NO_PLOT, id=plot_id))
    fee = (round(plot["land_price"] * plot["fee_share"], 2)
           if plot["land_price"] is not None else None)
    return {"plot": plot, "fee": fee, "history": history(conn, plot_id)}


def history(conn: psycopg.Connection, plot_id: int) -> list[dict]:
    """Every decision on the plot, the latest first."""
    return list(queries().disposal.history(conn, plot_id=plot_id))


def checked(conn: psycopg.Connection, plot_id: int, body: dict) -> dict:
    """The decision's values, refused with the catalogue's words: types and ranges (the
    schema), calendar dates, the deadline and the amount where (and only where) the kind
    has them, the deadline after the decision, the decision not in the future nor before
    the plot's latest."""
    values = check(BODY, body, FIELDS)["properties"]
    for name in DATES:
        calendar_date(values, name, FIELDS)
    values = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in values.items()}
    kind, decided = values["kind"], date.fromisoformat(values["decided_on"])
    deadline = values.get("deadline_on")
    if kind == "deadline" and deadline is None:
        raise _refuse("deadline_on", NEEDS_DEADLINE, "deadline_needed")
    if kind != "deadline" and deadline is not None:
        raise _refuse("deadline_on", NO_DEADLINE, "no_deadline")
    if deadline is not None and date.fromisoformat(deadline) <= decided:
        raise _refuse("deadline_on", Text(DEADLINE_BEFORE, deadline=deadline,
                                          decided=values["decided_on"]),
                      "deadline_before_decision")
    if kind == "fee" and values.get("amount") is None:
        raise _refuse("amount", NEEDS_AMOUNT, "amount_needed")
    if kind != "fee" and values.get("amount") is not None:
        raise _refuse("amount", NO_AMOUNT, "no_amount")
    plot = queries().disposal.plot(conn, plot_id=plot_id)
    if plot is None:
        raise NotFound(Text(NO_PLOT, id=plot_id))
    if decided > plot["today"]:
        raise _refuse("decided_on", Text(IN_FUTURE, decided=values["decided_on"],
                                         today=plot["today"].isoformat()), "decision_in_future")
    latest = queries().disposal.latest_on(conn, plot_id=plot_id)
    if latest is not None and decided < latest:
        raise _refuse("decided_on", Text(BEFORE_LATEST, latest=latest.isoformat()),
                      "decision_before_latest")
    return values


def _refuse(field: str, text: str | Text, code: str) -> BadRequest:
    return BadRequest(text if isinstance(text, Text) else Text(text), code=code,
                      details={"field": field})


def record(conn: psycopg.Connection, plot_id: int, body: dict) -> dict:
    """Record a decision on a plot read at body["version"]; return the record's id and the
    plot's new version. A stale version is a 409 whose details carry the plot now and its
    decisions."""
    values = checked(conn, plot_id, body)
    version = body["version"]
    found = write(conn, lambda: queries().disposal.record(
        conn, plot_id=plot_id, version=version, kind=values["kind"],
        decided_on=values["decided_on"], deadline_on=values.get("deadline_on"),
        amount=values.get("amount"), doc_no=values["doc_no"], note=values.get("note")),
        fields=FIELDS, what=Text(N_("plot %(id)s"), id=plot_id), version=version,
        current=lambda: _now(conn, plot_id))
    return {"id": found["id"], "version": found["version"]}


def _now(conn: psycopg.Connection, plot_id: int) -> dict | None:
    """The plot as it is now and its decisions (what a 409 carries)."""
    if queries().plots.version(conn, id=plot_id) is None:
        return None
    return {**plots.current_values(conn, plot_id),
            "disposals": [jsonable(r) for r in history(conn, plot_id)]}
