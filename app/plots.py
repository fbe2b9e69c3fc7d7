"""Plots (地块): the land parcels, their lifecycle stage, areas and edits."""

from __future__ import annotations

import json
from datetime import date

import psycopg

from . import layers, params, readiness, schemas, status
from .db import queries, transaction
from .errors import BadRequest, NotFound, Text, stale
from .labels import N_

# Attributes a planner may edit through the API (geometry travels separately).
EDITABLE = frozenset({
    "name", "land_class", "planned_use", "owner", "owner_type", "price_zone", "levelled",
    "special_crop", "house_floor_area_m2", "approved_on", "requisitioned_on", "banked_on",
    "supplied_on", "agreed_start_on", "delivered_on", "started_on", "completed_on",
    "operating_on", "supply_method", "land_price", "planned_investment", "actual_investment",
    "planned_floor_area_m2", "floor_area_m2", "high_floor_area_m2", "building_footprint_m2",
    "structure_footprint_m2", "open_storage_m2", "admin_living_area_m2", "developed_area_m2",
    "annual_tax", "annual_output", "suspended_since", "government_cause",
    "government_cause_note", "disposal", "disposal_on", "disposal_note"})


DATE_FIELDS = frozenset(f for f in EDITABLE if f.endswith("_on") or f == "suspended_since")


def get(conn: psycopg.Connection, plot_id: int, as_of: date | None = None) -> dict:
    """One plot Feature with every attribute, areas, occupying projects, and its status and
    readiness as of a date."""
    feature = layers.get(conn, layers.LAYERS["plots"], plot_id)
    props = feature["properties"]
    props["projects"] = list(queries().plots.projects(conn, id=plot_id))
    props["status"] = status.get(conn, props["park_id"], plot_id, as_of)
    props["readiness"] = readiness.get(conn, props["park_id"], plot_id, as_of)
    props["stage"] = props["status"].get("stage", props["stage"])
    return feature


def update(conn: psycopg.Connection, plot_id: int, version: int, changes: dict,
           geometry: dict | None = None) -> dict:
    """Edit a plot if nobody changed it since `version` was read; return the new Feature.

    A stale version is a Conflict, never a silent overwrite; bad values (dates out of
    order, invalid geometry) are refused by the database with a message naming them.
    """
    unknown = sorted(set(changes) - EDITABLE)
    if unknown:
        raise BadRequest(Text(N_("these plot fields cannot be edited: %(fields)s"),
                              fields=", ".join(unknown)))
    for name in DATE_FIELDS & set(changes):
        params.iso_date(name, changes[name])
    if geometry is not None and (not isinstance(geometry, dict) or
                                 geometry.get("type") not in ("Polygon", "MultiPolygon")):
        raise BadRequest(Text(N_("geometry must be a GeoJSON Polygon or MultiPolygon object")))
    schemas.check(schemas.PLOT_PROPERTIES, changes, "properties")
    if geometry is not None:
        schemas.check(schemas.GEOMETRY, geometry, "geometry")
        geometry = schemas.polygon(conn, geometry, "geometry")
    with transaction(conn):
        new_version = queries().plots.update(
            conn, id=plot_id, version=version, changes=json.dumps(changes),
            geometry=json.dumps(geometry) if geometry is not None else None)
        if new_version is None:
            current = queries().plots.version(conn, id=plot_id)
            if current is None:
                raise NotFound(Text(N_("no plot with id %(id)s"), id=plot_id))
            raise stale(Text(N_("plot %(id)s"), id=plot_id), current, version)
    return get(conn, plot_id)
