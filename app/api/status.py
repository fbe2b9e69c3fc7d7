"""Land status and infrastructure readiness of a park, as of a date."""

from __future__ import annotations

from flask import current_app, jsonify

from .. import answers, status
from ..auth import access
from ..web_db import get_db, pool
from . import as_of, bp, geo, park


def answer(kind: str) -> dict:
    """A whole-park answer, kept per data version and date (app.answers): a 503 `computing`
    with Retry-After when it is not ready within ANSWER_WAIT_SECONDS."""
    return answers.get(get_db(), pool().connection, park(required=True), kind, as_of(),
                       current_app.config["ANSWER_WAIT_SECONDS"])


@bp.get("/status/summary")
@access("viewer")
def status_summary():
    return jsonify(answer("summary"))


@bp.get("/idle")
@access("viewer")
def idle_list():
    return jsonify(status.idle_plots(get_db(), park(required=True), as_of()))


@bp.get("/readiness/priority")
@access("viewer")
def readiness_priority():
    return geo(answer("priority"))
