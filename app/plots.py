"""Plots (地块): the land parcels, their lifecycle stage, areas and edits."""

from __future__ import annotations

import json
import re
from datetime import date

import psycopg

from . import geojson, labels, readiness, status
from .db import queries, transaction
from .errors import BadRequest, NotFound, stale

STAGES = tuple(labels.STAGES)

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
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _check_date(name: str, value) -> None:
    """A date field must be null or a real calendar date written YYYY-MM-DD."""
    if value is None:
        return
    try:
        if not (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"{name} must be a date written YYYY-MM-DD, not {value!r}") from None


def search(conn: psycopg.Connection, park_id: int | None, bbox, page: geojson.Page,
           code: str | None = None, stage: str | None = None, zone: str | None = None,
           flag: str | None = None, serviced: bool | None = None, as_of: date | None = None,
           next_href=None) -> dict:
    """Plots as a paged FeatureCollection, filtered by bbox, code prefix, stage, zone, status
    flag and serviced land, with each plot's flags and readiness level as of a date."""
    if stage is not None and stage not in STAGES:
        raise BadRequest(f"stage must be one of {', '.join(STAGES)}, not {stage!r}")
    status.check_flag(flag)
    result = queries().plots.search(
        conn, park_id=park_id, **geojson.bbox_params(bbox), code=code or None, stage=stage,
        zone=zone or None, flag=flag, serviced=serviced, as_of=as_of, limit=page.limit,
        offset=page.offset)
    return geojson.page_of(result, page, next_href)


def get(conn: psycopg.Connection, plot_id: int, as_of: date | None = None) -> dict:
    """One plot Feature with every attribute, areas, occupying projects, and its status and
    readiness as of a date."""
    row = queries().plots.get(conn, id=plot_id)
    if row is None:
        raise NotFound(f"no plot with id {plot_id}")
    feature = geojson.feature(row)
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
        raise BadRequest(f"these plot fields cannot be edited: {', '.join(unknown)}")
    for name in DATE_FIELDS & set(changes):
        _check_date(name, changes[name])
    if geometry is not None and not isinstance(geometry, dict):
        raise BadRequest("geometry must be a GeoJSON Polygon or MultiPolygon object")
    if geometry is not None and geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise BadRequest("geometry must be a GeoJSON Polygon or MultiPolygon object")
    with transaction(conn):
        new_version = queries().plots.update(
            conn, id=plot_id, version=version, changes=json.dumps(changes),
            geometry=json.dumps(geometry) if geometry is not None else None)
        if new_version is None:
            current = queries().plots.version(conn, id=plot_id)
            if current is None:
                raise NotFound(f"no plot with id {plot_id}")
            raise stale(f"plot {plot_id}", current, version)
    return get(conn, plot_id)
