"""What the project records' writes share: one transaction per edit, a stale version as a
409 carrying the record as it is now (and who changed it last), and refusals naming the
field by its label in the user's language."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

import psycopg

from .. import schemas
from ..db import transaction
from ..errors import AtlasError, BadRequest, NotFound, Text, stale
from ..labels import N_

NOT_FOUND = N_("there is no %(what)s")


def labelled(exc: AtlasError, fields: Mapping[str, str]) -> AtlasError:
    """The same refusal with its field named by its label (a Text, translated where it is
    shown) instead of its column; the details keep the column for programs."""
    field = exc.details.get("field") if isinstance(exc.details, dict) else None
    name = next((part for part in reversed(str(field or "").split(".")) if part in fields), "")
    if not name or exc.text is None or "field" not in exc.text.values:
        return exc
    text = Text(exc.text.msgid, **{**exc.text.values, "field": Text(fields[name])})
    return type(exc)(text, code=exc.code, details={**exc.details, "field": name})


def check(schema: dict, data, fields: Mapping[str, str]) -> dict:
    """schemas.check, the refusal naming the field by its label."""
    try:
        return schemas.check(schema, data)
    except BadRequest as exc:
        raise labelled(exc, fields) from None


def write(conn: psycopg.Connection, action: Callable[[], object], *, fields: Mapping[str, str],
          what: Text, version: int | None = None,
          current: Callable[[], dict | None] = lambda: None):
    """Run `action` (one write returning the new version or id; None when the version read
    is stale or the record is gone) in a transaction. A stale version is a Conflict whose
    details carry `current()`, the record as it is now; a gone record is NotFound; a
    refused value names its field by its label."""
    try:
        with transaction(conn):
            result = action()
    except AtlasError as exc:
        raise labelled(exc, fields) from None
    if result is None:
        now = current()
        if now is None:
            raise NotFound(Text(NOT_FOUND, what=what))
        exc = stale(what, now["version"], version or 0)
        exc.details["current"] = now
        raise exc
    return result


def calendar_date(values: dict, name: str, fields: Mapping[str, str]) -> None:
    """Refuse a date written YYYY-MM-DD that is not on the calendar (2026-02-30)."""
    if values.get(name) is None:
        return
    try:
        date.fromisoformat(values[name])
    except ValueError:
        raise labelled(schemas.refuse(name, "date"), fields) from None


def jsonable(row: dict | None) -> dict | None:
    """A row with its dates as ISO text (what a 409's details carry)."""
    if row is None:
        return None
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}
