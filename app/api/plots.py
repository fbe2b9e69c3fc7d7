"""Plots: the list with status filters, one plot with its status, and edits."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext

from .. import layers, params, plot_shapes, plots, schemas
from ..auth import access, request_can
from ..i18n import current_language
from ..web_db import get_db
from . import as_of, body, bp, feature_page, geo, park, raw_body, version


@bp.get("/plots")
@access(layers.LAYERS["plots"].role)
def plot_list():
    return feature_page("plots")


@bp.get("/plots/<int:plot_id>")
@access(layers.LAYERS["plots"].role)
def plot_detail(plot_id: int):
    return geo(_plot(plot_id))


def _plot(plot_id: int) -> dict:
    """The whole plot for staff; what a guest may see of it (only a supplyable serviced
    plot, with its readiness as of today) for a guest."""
    if request_can("viewer"):
        return plots.get(get_db(), plot_id, as_of())
    return layers.guest_plot(get_db(), plot_id, as_of())


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


# --- geometry editing (app/plot_shapes.py): draw, split, merge, delete, clip, lineage ---

@bp.post("/plots")
@access("planner")
def plot_create():
    return geo(plot_shapes.create(get_db(), park(required=True), *_drawn()), 201)


def _drawn() -> tuple[dict, dict]:
    data = body(schemas.PLOT_CREATE)
    return data["properties"], data["geometry"]


@bp.post("/plots/proposal")
@access("planner")
def plot_proposal():
    return jsonify(plot_shapes.propose(get_db(), park(required=True), _shape()["geometry"]))


@bp.post("/plots/clip")
@access("planner")
def plot_clip():
    return jsonify(plot_shapes.clip(get_db(), park(required=True), *_clipped()))


def _shape() -> dict:
    return body(schemas.SHAPE_CHECK)


def _clipped() -> tuple[dict, list[int]]:
    data = _shape()
    return data["geometry"], data.get("except", [])


@bp.post("/plots/<int:plot_id>/split-preview")
@access("planner")
def plot_split_preview(plot_id: int):
    return jsonify(plot_shapes.split_preview(get_db(), plot_id, body(schemas.PLOT_SPLIT)["line"]))


@bp.post("/plots/<int:plot_id>/split")
@access("planner")
def plot_split(plot_id: int):
    return geo(plot_shapes.split(get_db(), plot_id, *_split()), 201)


def _split() -> tuple[int, dict, list[str]]:
    data = body(schemas.PLOT_SPLIT)
    return version(data), data["line"], data.get("codes") or []


@bp.post("/plots/merge")
@access("planner")
def plot_merge():
    return geo(plot_shapes.merge(get_db(), *_merge()), 201)


def _merge() -> tuple[dict[int, int], str]:
    data = body(schemas.PLOT_MERGE)
    return {p["id"]: p["version"] for p in data["plots"]}, data["code"]


@bp.delete("/plots/<int:plot_id>")
@access("admin")
def plot_delete(plot_id: int):
    return plot_shapes.delete(get_db(), plot_id, *_delete()) or ("", 204)


def _delete() -> tuple[int, str]:
    data = body(schemas.PLOT_DELETE)
    return version(data), data["reason"]


@bp.get("/plots/<int:plot_id>/lineage")
@access(layers.LAYERS["plots"].role)
def plot_lineage(plot_id: int):
    return jsonify(plot_shapes.lineage(get_db(), plot_id))


@bp.get("/plots/retired/<int:plot_id>")
@access(layers.LAYERS["plots"].role)
def plot_retired(plot_id: int):
    return jsonify(plot_shapes.retired(get_db(), plot_id))
