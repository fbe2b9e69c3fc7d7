"""Which collections a role sees: one per feature layer of app.layers, and one per
requisition plan (its plots, as the role may read the plan).

A plan is its own collection (`plan-<id>`), not a `plan` filter on one collection, so a
desktop client lists every plan as a layer and reads each without knowing a parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import psycopg

from .. import layers, requisition
from ..errors import Forbidden, NotFound, Text
from ..labels import N_

LAYER_COLLECTIONS = ("plots", "zones", "roads", "networks", "projects")
TITLES = {
    "plots": N_("Plots with their stage, status flags and readiness"),
    "zones": N_("Zones"), "roads": N_("Roads"), "networks": N_("Utility networks"),
    "projects": N_("Projects"),
}
GUEST_TITLES = {"plots": N_("Supplyable serviced plots")}
PLAN_TITLE = N_("Plots of requisition plan %(name)s (version %(version)s)")
NO_COLLECTION = N_("no collection %(id)s")
_PLAN_ID = re.compile(r"plan-([1-9][0-9]{0,9})")

# A plan's plots in the version the reader is shown: the current geometry of each plot,
# or the version's own copy when the plot has since been deleted.
PLAN_PLOTS = layers.Layer(
    name="plan-plots", noun=N_("plot"), title="Plots of a requisition plan",
    source="plan_plots pp JOIN plots f ON f.id = pp.plot_id",
    columns="""f.id, f.park_id, f.code, coalesce(f.geom, pp.geom) AS geom, jsonb_build_object(
      'id', f.id, 'park_id', f.park_id, 'code', f.code, 'name', f.name,
      'plan_id', pp.plan_id, 'plan_version', pp.plan_version,
      'land_class', f.land_class, 'owner', f.owner, 'owner_type', f.owner_type,
      'planned_use', f.planned_use, 'area_m2', f.area_m2,
      'requisitioned_on', f.requisitioned_on) AS properties""",
    properties="f.properties", geometry_types=("MultiPolygon",), order=("id",),
    condition="pp.plan_id = %(plan_id)s AND pp.plan_version = %(plan_version)s")


@dataclass(frozen=True)
class Collection:
    """A collection as a role sees it: the layer it reads and the fixed query values
    (a plan's id and version) that narrow it."""

    id: str
    title: Text
    layer: layers.Layer
    values: dict = field(default_factory=dict, hash=False, compare=False)
    filters: tuple[layers.Filter, ...] = ()  # those the role may use

    @property
    def geometry_type(self) -> str:
        types = self.layer.geometry_types
        return types[0] if len(types) == 1 else "Geometry"


def _layer_collection(name: str, role: str | None) -> Collection:
    layer = layers.visible(name, role)
    guest = layer is not layers.LAYERS[name]
    title = Text(GUEST_TITLES.get(name, TITLES[name]) if guest else TITLES[name])
    return Collection(name, title, layer, filters=layer.filters)


def _plan_collection(conn: psycopg.Connection, plan_id: int, role: str | None) -> Collection:
    plan = requisition.get(conn, plan_id, role)  # NotFound / Forbidden as the API says
    version = plan["current_version"]
    return Collection(f"plan-{plan_id}", Text(PLAN_TITLE, name=plan["name"], version=version),
                      PLAN_PLOTS, {"plan_id": plan_id, "plan_version": version})


def get(conn: psycopg.Connection, collection_id: str, role: str | None) -> Collection:
    """One collection as the role may read it; NotFound for an unknown id, Forbidden for a
    layer or plan the role may not read."""
    if collection_id in LAYER_COLLECTIONS:
        return _layer_collection(collection_id, role)
    match = _PLAN_ID.fullmatch(collection_id)
    if match and int(match.group(1)) < 2**31:
        return _plan_collection(conn, int(match.group(1)), role)
    raise NotFound(Text(NO_COLLECTION, id=collection_id))


def listed(conn: psycopg.Connection, park_id: int | None, role: str | None) -> list[Collection]:
    """Every collection the role may read: the layers, then the plans (of the park)."""
    found = []
    for name in LAYER_COLLECTIONS:
        try:
            found.append(_layer_collection(name, role))
        except Forbidden:
            continue
    for plan in requisition.list_plans(conn, park_id, role):
        found.append(Collection(
            f"plan-{plan['id']}",
            Text(PLAN_TITLE, name=plan["name"], version=plan["current_version"]), PLAN_PLOTS,
            {"plan_id": plan["id"], "plan_version": plan["current_version"]}))
    return found
