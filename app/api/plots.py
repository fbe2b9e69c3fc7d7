"""Plots: the list with status filters, one plot with its status, and edits."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext

from .. import layers, params, plots, schemas
from ..auth import access
from ..i18n import current_language
from ..web_db import get_db
from . import as_of, body, bp, feature_page, geo, raw_body


@bp.get("/plots")
@access(layers.LAYERS["plots"].role)
def plot_list():
    return feature_page("plots")


@bp.get("/plots/<int:plot_id>")
@access(layers.LAYERS["plots"].role)
def plot_detail(plot_id: int):
    return geo(plots.get(get_db(), plot_id, as_of()))


@bp.patch("/plots/<int:plot_id>")
@access("planner")
def plot_edit(plot_id: int):
    return geo(plots.update(get_db(), plot_id, *_edit()))


@bp.get("/plots/<int:plot_id>/history")
@access("viewer")
def plot_history(plot_id: int):
    return jsonify(plots.history_of(get_db(), plot_id, gettext, current_language()))


@bp.post("/plots/<int:plot_id>/restore")
@access("planner")
def plot_restore(plot_id: int):
    return geo(plots.restore(get_db(), plot_id, *_restore()))


def _restore() -> tuple[int, int]:
    """(the version read, from If-Match; the version to go back to, from the body)."""
    return (params.version(None, request.headers.get("If-Match")),
            body(schemas.PLOT_RESTORE)["version"])


def _edit() -> tuple[int, dict, dict | None]:
    return params.edit(raw_body(), request.headers.get("If-Match"))
