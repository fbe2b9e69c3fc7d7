"""The park's feature layers (app.layers): parks, zones, roads and networks (projects:
app/api/projects.py)."""

from __future__ import annotations

from .. import layers, parks
from ..auth import access, request_can
from ..web_db import get_db
from . import bp, feature_page, geo

LAYERS = layers.LAYERS


@bp.get("/parks")
@access("guest")
def park_list():
    return geo(parks.feature_collection(get_db()))


@bp.get("/parks/<int:park_id>")
@access("guest")
def park_detail(park_id: int):
    return geo(_park(park_id))


def _park(park_id: int) -> dict:
    """A park; its settings (the rules' thresholds, the access rules) for the staff only."""
    feature = parks.get(get_db(), park_id)
    if not request_can("viewer"):
        feature["properties"].pop("settings")
    return feature


@bp.get("/zones")
@access(LAYERS["zones"].role)
def zone_list():
    return feature_page("zones")


@bp.get("/roads")
@access(LAYERS["roads"].role)
def road_list():
    return feature_page("roads")


@bp.get("/networks")
@access(LAYERS["networks"].role)
def network_list():
    return feature_page("networks")

