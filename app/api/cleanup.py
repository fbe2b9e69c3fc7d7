"""The clean-up lists (issue 15 item 4) and a plot's disposal record (item 5)."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext

from .. import params
from ..auth import access
from ..cleanup import lists
from ..disposal import decision
from ..errors import localized
from ..web_db import get_db
from . import as_of, body, bp, park


@bp.get("/cleanup/<list>")
@access("viewer")
def cleanup_list(list: str):  # noqa: A002 — the URL's word
    return jsonify(localized(lists.listing(get_db(), park(required=True), lists.check_list(list),
                                           as_of(), params.cleanup_filters(request.args)),
                             gettext))


@bp.get("/plots/<int:plot_id>/disposals")
@access("viewer")
def disposals(plot_id: int):
    return jsonify(decision.form(get_db(), plot_id))


@bp.post("/plots/<int:plot_id>/disposals")
@access("planner")
def disposal_record(plot_id: int):
    return jsonify(decision.record(get_db(), plot_id, body())), 201
