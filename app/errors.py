"""Domain errors that carry their HTTP status, and the mapping of database errors to them.

Domain code raises these; one Flask handler (app.web_errors) turns them into a JSON error
or an error page, so no route decides a status code by hand.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import psycopg
from psycopg import errors as pg

from .labels import N_


class Text:
    """A message in the user's language: an English message id of the Babel catalogue with
    %(name)s values (themselves Text or plain), translated where it is shown (the page, the
    API, the CLI); str() is the English."""

    def __init__(self, msgid: str, **values):
        self.msgid = msgid
        self.values = values

    def translate(self, gettext: Callable[[str], str]) -> str:
        values = {k: v.translate(gettext) if isinstance(v, Text) else v
                  for k, v in self.values.items()}
        return gettext(self.msgid) % values

    def __str__(self) -> str:
        return self.translate(str)

    def __repr__(self) -> str:
        return f"Text({self!s})"


class AtlasError(Exception):
    """An error the user can act on, with the HTTP status that says what kind it is.

    `message` is English; when it was given as a `Text`, `text` keeps it for translation."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str | Text, *, code: str | None = None,
                 details: object = None):
        super().__init__(str(message))
        self.text = message if isinstance(message, Text) else None
        self.message = str(message)
        if code:
            self.code = code
        self.details = details

    def localize(self, gettext: Callable[[str], str]) -> AtlasError:
        """Put the message in the language of `gettext` (a no-op for untranslated ones)."""
        if self.text is not None:
            self.message = self.text.translate(gettext)
        return self

    def to_dict(self) -> dict:
        body = {"code": self.code, "message": self.message}
        if self.details is not None:
            body["details"] = self.details
        return {"error": body}


class BadRequest(AtlasError):
    status, code = 400, "bad_request"


class Unauthorized(AtlasError):
    status, code = 401, "unauthorized"


class Forbidden(AtlasError):
    status, code = 403, "forbidden"


class NotFound(AtlasError):
    status, code = 404, "not_found"


class Conflict(AtlasError):
    status, code = 409, "conflict"


class Unprocessable(AtlasError):
    """Well-formed, but the data it names cannot be processed (e.g. a plan that fails its
    checks); `details` lists what to fix."""

    status, code = 422, "unprocessable"


def stale(what: str, current: int, version: int) -> Conflict:
    """The Conflict of an edit made to an old version of a row: never a silent overwrite."""
    return Conflict(f"{what} was changed by someone else (now version {current}, you edited "
                    f"version {version}); reload it and edit again",
                    details={"current_version": current})


class PayloadTooLarge(AtlasError):
    status, code = 413, "payload_too_large"


# What the user did wrong when a record breaks a constraint or a value is refused: one
# place for the words, used by the database error mapping below (API, pages, CLI) and by
# the data set loader, which checks the same rules before it inserts so that it can name
# the record. Keyed by constraint name, else by SQLSTATE; each gives (field, problem).
PROBLEMS: dict[str, tuple[str | None, str]] = {
    "parks_code_key": ("code", N_("this park code is already loaded; a park loads once")),
    "plots_park_id_code_key": ("code", N_("another plot of the park has the same code")),
    "plots_cause_noted": ("government_cause_note",
                          N_("a government cause (government_cause) needs a note")),
    "plots_disposal_dated": ("disposal_on", N_(
        "a disposal (disposal) and its date (disposal_on) go together: give both or neither")),
    "22008": (None, N_("a date is not on the calendar")),  # datetime_field_overflow
    "22007": (None, N_("a date or time is not written YYYY-MM-DD")),  # invalid format
}
RECORD_PROBLEM = N_("%(record)s, field %(field)s: %(problem)s")
RECORD = {"plots": N_("plot %(code)s"), "parks": N_("park %(code)s"),
          "projects": N_("project %(code)s")}
UNNAMED = {"plots": N_("a plot"), "parks": N_("a park")}
# The record's code in a violation's detail: "Key (park_id, code)=(3, NQ-01-01) already
# exists."; for a plot's CHECK, the failing row starts (id, park_id, zone_id, code, …).
_CODE_IN_DETAIL = (
    re.compile(r"^Key \(.*\)=\((?:.*, )?(?P<code>[^,]*)\) already exists"),
    re.compile(r"^Failing row contains \(\d+, \d+, (?:\d+|null), (?P<code>[A-Za-z0-9-]+),"),
)


def record_problem(record: Text | str, field: str | None, problem: str, **values) -> Text:
    """'plot NQ-01-01, field disposal_on: …' as a translatable Text."""
    return Text(RECORD_PROBLEM, record=record, field=field or "-",
                problem=Text(problem, **values))


def _named(exc: psycopg.Error) -> AtlasError | None:
    """The error of a constraint or SQLSTATE listed in PROBLEMS, naming record and field."""
    key = exc.diag.constraint_name if exc.diag.constraint_name in PROBLEMS else exc.sqlstate
    if key not in PROBLEMS:
        return None
    field, problem = PROBLEMS[key]
    table = exc.diag.table_name
    found = [m for r in _CODE_IN_DETAIL if (m := r.match(exc.diag.message_detail or ""))]
    if table in RECORD and found:
        record = Text(RECORD[table], code=found[0]["code"])
    else:
        record = Text(UNNAMED.get(table, N_("a record")))
    text = record_problem(record, field, problem) if field else Text(problem)
    cls = Conflict if isinstance(exc, pg.UniqueViolation) else BadRequest
    return cls(text, code=None if cls is Conflict else "invalid_input",
               details={"field": field} if field else None)


# SQLSTATE classes that mean "the input was wrong" rather than "the server broke".
_BAD_INPUT = (psycopg.DataError, psycopg.IntegrityError, pg.RaiseException)
_CONFLICT = (pg.UniqueViolation, pg.ExclusionViolation, pg.SerializationFailure,
             pg.LockNotAvailable)


def from_database(exc: psycopg.Error) -> AtlasError | None:
    """The domain error for a database error caused by bad input or a conflict, else None."""
    named = _named(exc)
    if named is not None:
        return named
    message = (exc.diag.message_primary or str(exc)).strip()
    if exc.diag.message_hint:
        message = f"{message} ({exc.diag.message_hint})"
    if isinstance(exc, _CONFLICT):  # before _BAD_INPUT: a unique violation is an IntegrityError
        return Conflict(message)
    if isinstance(exc, _BAD_INPUT) or _is_geometry_parse_error(exc, message):
        return BadRequest(message, code="invalid_input")
    return None


def _is_geometry_parse_error(exc: psycopg.Error, message: str) -> bool:
    # PostGIS reports unparsable GeoJSON/WKT as an internal error (XX000), not bad input.
    return isinstance(exc, pg.InternalError_) and (
        "GeoJSON" in message or message.startswith("parse error"))
