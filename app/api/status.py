"""Land status and infrastructure readiness of a park, as of a date."""

from __future__ import annotations

from flask import jsonify

from .. import readiness, status
from ..auth import access
from ..web_db import get_db
from . import as_of, bp, geo, park


@bp.get("/status/summary")
@access("viewer")
def status_summary():
    return jsonify(status.summary(get_db(), park(required=True), as_of()))


@bp.get("/idle")
@access("viewer")
def idle_list():
    return jsonify(status.idle_plots(get_db(), park(required=True), as_of()))


@bp.get("/readiness/priority")
@access("viewer")
def readiness_priority():
    return geo(readiness.priority(get_db(), park(required=True), as_of())["collection"])
