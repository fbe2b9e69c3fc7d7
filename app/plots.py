"""Plots (地块): the land parcels, their lifecycle stage, areas and edits."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import psycopg

from . import clock, history, labels, layers, params, readiness, schemas, status
from .db import queries, transaction
from .errors import AtlasError, BadRequest, NotFound, Text, stale
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
    "government_cause_note", "disposal", "disposal_on", "disposal_note", "land_user",
    "contract_no", "zone_id"})

# Each editable attribute's name (the form's labels, the history's field names), with its
# unit where it has one; money is in 万元 (10 000 yuan), areas in m².
FIELDS: dict[str, str] = {
    "name": N_("Name"), "zone_id": N_("Zone"), "land_class": N_("Land class"),
    "planned_use": N_("Planned use"), "price_zone": N_("Price zone"),
    "levelled": N_("Site levelled"), "special_crop": N_("Special crop"),
    "house_floor_area_m2": N_("House floor area (m²)"),
    "owner": N_("Owner (rights holder)"), "owner_type": N_("Owner type"),
    "land_user": N_("Land user (grantee)"), "contract_no": N_("Supply contract no."),
    **dict(labels.EVENTS),
    "supply_method": N_("Supply method"), "land_price": N_("Land price (10k yuan)"),
    "planned_investment": N_("Planned investment (10k yuan)"),
    "actual_investment": N_("Actual investment (10k yuan)"),
    "planned_floor_area_m2": N_("Planned floor area (m²)"),
    "floor_area_m2": N_("Floor area (m²)"),
    "high_floor_area_m2": N_("Floor area of floors over 8 m (m²)"),
    "building_footprint_m2": N_("Building footprint (m²)"),
    "structure_footprint_m2": N_("Structure footprint (m²)"),
    "open_storage_m2": N_("Open storage and yards (m²)"),
    "admin_living_area_m2": N_("Admin and living area (m²)"),
    "developed_area_m2": N_("Developed land area (m²)"),
    "annual_tax": N_("Annual tax (10k yuan)"), "annual_output": N_("Annual output (10k yuan)"),
    "suspended_since": N_("Construction suspended since"),
    "government_cause": N_("Government cause"),
    "government_cause_note": N_("Government cause note"),
    "disposal": N_("Disposal"), "disposal_on": N_("Disposal date"),
    "disposal_note": N_("Disposal note"),
}
# The form's sections, as a planner sorts a plot's record.
SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("basic", N_("Basic information"), ("name", "zone_id", "land_class", "planned_use",
                                        "price_zone", "levelled", "special_crop",
                                        "house_floor_area_m2")),
    ("ownership", N_("Ownership and land user"), ("owner", "owner_type", "land_user",
                                                  "contract_no")),
    ("lifecycle", N_("Lifecycle"), tuple(key for key, _label in labels.EVENTS)),
    ("supply", N_("Land supply"), ("supply_method", "land_price")),
    ("performance", N_("Construction and performance"), (
        "planned_investment", "actual_investment", "planned_floor_area_m2", "floor_area_m2",
        "high_floor_area_m2", "building_footprint_m2", "structure_footprint_m2",
        "open_storage_m2", "admin_living_area_m2", "developed_area_m2", "annual_tax",
        "annual_output")),
    ("idle", N_("Idle land and disposal"), ("suspended_since", "government_cause",
                                            "government_cause_note", "disposal",
                                            "disposal_on", "disposal_note")),
)
SUPPLY_METHODS = {"sale": N_("Sale (grant by tender, auction or listing)"),
                  "allocation": N_("Allocation")}
# Fields whose values are codes of a fixed vocabulary: code → name (translated where shown).
VOCABULARIES: dict[str, dict[str, str]] = {
    "owner_type": labels.OWNER_TYPES, "supply_method": SUPPLY_METHODS,
    "government_cause": labels.GOVERNMENT_CAUSES, "disposal": labels.DISPOSALS}
BOOLEAN_FIELDS = frozenset({"levelled", "special_crop"})
TEXT_FIELDS = frozenset({"name", "price_zone", "owner", "land_user", "contract_no"})
NOTE_FIELDS = frozenset({"government_cause_note", "disposal_note"})


DATE_FIELDS = frozenset(f for f in EDITABLE if f.endswith("_on") or f == "suspended_since")


def choices(conn: psycopg.Connection, park_id: int) -> dict:
    """What the plot form offers: the land classes, planned uses, zones and price zones."""
    q = queries().plots
    return {"land_classes": list(q.land_classes(conn)),
            "planned_uses": list(q.planned_uses(conn)),
            "zones": list(q.zones(conn, park_id=park_id)),
            "price_zones": list(q.price_zones(conn, park_id=park_id))}


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
    if changes.get("zone_id") is not None and not queries().plots.zone_of_park(
            conn, zone_id=changes["zone_id"], plot_id=plot_id):
        raise schemas.refuse("properties.zone_id", "unknown")
    if geometry is not None:
        schemas.check(schemas.GEOMETRY, geometry, "geometry")
        geometry = schemas.polygon(conn, geometry, "geometry")
    _apply(conn, plot_id, version, changes, geometry)
    return get(conn, plot_id)


def restore(conn: psycopg.Connection, plot_id: int, version: int, to_version: int) -> dict:
    """Put a plot back as it was at `to_version` (its attributes and its geometry, from the
    audit log), if nobody changed it since `version` was read. The restore goes through the
    same UPDATE as every edit: it is audited, bumps the version and meets every rule."""
    image = queries().plots.version_image(conn, id=plot_id, version=to_version)
    if image is None:
        if queries().plots.version(conn, id=plot_id) is None:
            raise NotFound(Text(N_("There is no plot with id %(id)s."), id=plot_id))
        raise NotFound(Text(N_("Plot %(id)s has no version %(version)s in its history."),
                            id=plot_id, version=to_version), code="no_such_version")
    image = image["image"]
    changes = {k: image.get(k) for k in EDITABLE}
    geometry = {k: v for k, v in image["geom"].items() if k != "crs"} if image.get("geom") \
        else None
    _apply(conn, plot_id, version, changes, geometry)
    return get(conn, plot_id)


def _apply(conn: psycopg.Connection, plot_id: int, version: int, changes: dict,
           geometry: dict | None) -> None:
    """The one UPDATE of a plot's attributes and geometry (plots.update), in a transaction;
    a stale version is a Conflict that carries the plot as it is now."""
    try:
        with transaction(conn):
            new_version = queries().plots.update(
                conn, id=plot_id, version=version, changes=json.dumps(changes),
                geometry=json.dumps(geometry) if geometry is not None else None)
            if new_version is None:
                current = queries().plots.version(conn, id=plot_id)
                if current is None:
                    raise NotFound(Text(N_("no plot with id %(id)s"), id=plot_id))
                raise stale(Text(N_("plot %(id)s"), id=plot_id), current, version)
    except AtlasError as exc:
        if exc.status == 409 and isinstance(exc.details, dict):
            exc.details["current"] = current_values(conn, plot_id)
        raise


def history_of(conn: psycopg.Connection, plot_id: int,
               gettext: Callable[[str], str] = str, lang: str = "zh") -> dict:
    """A plot's history (app.history) with field names and the names of coded values in
    the language of `gettext`/`lang`, and the plot's code and current version."""
    feature = layers.get(conn, layers.LAYERS["plots"], plot_id)
    props = feature["properties"]
    names = _value_names(conn, props["park_id"], gettext, lang)

    def describe(field: str, value) -> str | None:
        if value is None:
            return None
        if field in BOOLEAN_FIELDS:
            return gettext("yes") if value else gettext("no")
        return names.get(field, {}).get(str(value))

    entries = history.entries(conn, "plots", plot_id,
                              clock.park_timezone(conn, props["park_id"]),
                              order=FIELDS, describe=describe)
    for entry in entries:
        for change in entry["changes"]:
            change["label"] = gettext(FIELDS[change["field"]]) if change["field"] in FIELDS \
                else change["field"]
    return {"id": plot_id, "code": props["code"], "version": props["version"],
            "entries": entries}


def _value_names(conn: psycopg.Connection, park_id: int, gettext: Callable[[str], str],
                 lang: str) -> dict[str, dict[str, str]]:
    """code → "code name" of the coded fields, in the user's language."""
    found = choices(conn, park_id)
    name = "name_en" if lang == "en" else "name_zh"
    return {
        "land_class": {r["code"]: f'{r["code"]} {r[name]}' for r in found["land_classes"]},
        "planned_use": {r["code"]: f'{r["code"]} {r[name]}' for r in found["planned_uses"]},
        "zone_id": {str(r["id"]): " ".join(filter(None, (
            r["code"], (r["name_en"] or r["name"]) if lang == "en" else r["name"])))
            for r in found["zones"]},
        **{f: {k: gettext(v) for k, v in vocab.items()} for f, vocab in VOCABULARIES.items()},
    }


def current_values(conn: psycopg.Connection, plot_id: int) -> dict:
    """A plot's editable attributes, version and geometry now (what a 409 carries so that
    the editor can compare without guessing)."""
    feature = layers.get(conn, layers.LAYERS["plots"], plot_id)
    props = feature["properties"]
    last = history.entries(conn, "plots", plot_id, clock.park_timezone(conn, props["park_id"]),
                           limit=1)
    return {"version": props["version"], "geometry": feature["geometry"],
            "properties": {k: props.get(k) for k in sorted(EDITABLE)},
            "changed_by": last[0]["user"] if last else None,
            "changed_at": last[0]["at"] if last else None}

