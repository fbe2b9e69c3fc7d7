"""Domain errors that carry their HTTP status, and the mapping of database errors to them.

Domain code raises these; one Flask handler (app.web_errors) turns them into a JSON error
or an error page, so no route decides a status code by hand.
"""

from __future__ import annotations

import psycopg
from psycopg import errors as pg


class AtlasError(Exception):
    """An error the user can act on, with the HTTP status that says what kind it is."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: object = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details

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


# SQLSTATE classes that mean "the input was wrong" rather than "the server broke".
_BAD_INPUT = (psycopg.DataError, psycopg.IntegrityError, pg.RaiseException)
_CONFLICT = (pg.UniqueViolation, pg.ExclusionViolation, pg.SerializationFailure,
             pg.LockNotAvailable)


def from_database(exc: psycopg.Error) -> AtlasError | None:
    """The domain error for a database error caused by bad input or a conflict, else None."""
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
