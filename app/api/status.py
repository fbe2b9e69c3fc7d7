"""Land status and infrastructure readiness of a park, as of a date."""

from __future__ import annotations

from flask import Response, jsonify

from .. import status
from ..auth import access
from ..web_db import answer, get_db
from . import GEOJSON, as_of, bp, park


def _answer(kind: str, mimetype: str = "application/json") -> Response:
    """A whole-park answer, kept per data version and date (app.answers) as the JSON text
    it is sent as: a 503 `computing` with Retry-After when it is not ready within
    ANSWER_WAIT_SECONDS."""
    return Response(answer(park(required=True), kind, as_of()), mimetype=mimetype)


@bp.get("/status/summary")
@access("viewer")
def status_summary():
    return _answer("summary")


@bp.get("/idle")
@access("viewer")
def idle_list():
    return jsonify(status.idle_plots(get_db(), park(required=True), as_of()))


@bp.get("/readiness/priority")
@access("viewer")
def readiness_priority():
    return _answer("priority", GEOJSON)
