"""Plots: the list with status filters, one plot with its status, and edits."""

from __future__ import annotations

from flask import request

from .. import layers, params, plots
from ..auth import access, request_can
from ..web_db import get_db
from . import as_of, bp, feature_page, geo, raw_body


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


def _edit() -> tuple[int, dict, dict | None]:
    return params.edit(raw_body(), request.headers.get("If-Match"))
