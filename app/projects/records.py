"""What the project records' writes share: one transaction per edit, a stale version as a
409 carrying the record as it is now (and who changed it last), and refusals naming the
field by its label in the user's language."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import psycopg

from .. import schemas
from ..db import queries, transaction
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


PROJECT = N_("project %(id)s")


@dataclass(frozen=True)
class Rows:
    """A kind of row a project owns (its milestones, its progress reports): the names of
    its queries in sql/queries/projects (<prefix>_insert, _update, _delete, _current), its
    noun, fields, body schemas and date fields. Each write is one audited statement,
    version-checked; a body is checked first (types, ranges, calendar dates; text trimmed,
    blank text is None)."""

    prefix: str
    noun: str  # e.g. N_("milestone %(id)s")
    fields: Mapping[str, str]
    create: dict
    edit: dict
    dates: tuple[str, ...]

    def _query(self, action: str):
        return getattr(queries().projects, f"{self.prefix}_{action}")

    def _checked(self, body: dict, schema: dict) -> dict:
        values = check(schema, body, self.fields)["properties"]
        for name in self.dates:
            calendar_date(values, name, self.fields)
        return {k: (v.strip() or None) if isinstance(v, str) and k not in self.dates else v
                for k, v in values.items()}

    def add(self, conn: psycopg.Connection, project_id: int, body: dict) -> int:
        values = self._checked(body, self.create)
        return write(conn, lambda: self._query("insert")(
            conn, project_id=project_id, values=json.dumps(values)), fields=self.fields,
            what=Text(PROJECT, id=project_id))

    def update(self, conn: psycopg.Connection, project_id: int, row_id: int, version: int,
               body: dict) -> int:
        values = self._checked(body, self.edit)
        return write(conn, lambda: self._query("update")(
            conn, id=row_id, project_id=project_id, version=version,
            changes=json.dumps(values)), fields=self.fields, what=Text(self.noun, id=row_id),
            version=version, current=lambda: self.current(conn, project_id, row_id))

    def delete(self, conn: psycopg.Connection, project_id: int, row_id: int,
               version: int) -> None:
        write(conn, lambda: self._query("delete")(
            conn, id=row_id, project_id=project_id, version=version), fields=self.fields,
            what=Text(self.noun, id=row_id), version=version,
            current=lambda: self.current(conn, project_id, row_id))

    def current(self, conn: psycopg.Connection, project_id: int, row_id: int) -> dict | None:
        """The row as it is now (what a 409 carries), its dates as ISO text."""
        return jsonable(self._query("current")(conn, id=row_id, project_id=project_id))
