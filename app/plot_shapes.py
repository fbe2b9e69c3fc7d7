"""Geometry editing of plots (issue 10): draw, split, merge, delete, clip to neighbours and
lineage. Flask-free; the rules run in PostgreSQL (sql/source/13_plot_shapes.sql): the
overlap rule is a trigger, split/merge/delete one function each, in the park's GK CRS.

Every operation is one transaction: the plots it changes are locked and their versions
compared with those the editor read (a stale one is a 409), then the database does the
work and its upkeep triggers recompute status and readiness of every plot it made.
"""

from __future__ import annotations

import json

import psycopg

from . import plots, schemas
from .db import queries, transaction
from .errors import PROBLEMS, RECORD, BadRequest, NotFound, Text, record_problem, stale
from .labels import N_

NO_PLOT = N_("no plot with id %(id)s")
OTHER_PARK = N_("plots %(codes)s are not all in one park")
TWO_PLOTS = N_("a merge needs at least two different plots")
NO_REASON = N_("a reason is required to delete a plot")
NOTHING_LEFT = N_("nothing is left of the plot once its neighbours are cut away")


def _lock(conn: psycopg.Connection, versions: dict[int, int]) -> list[dict]:
    """Lock plots by id and check the version the editor read of each."""
    rows = {r["id"]: r for r in queries().plot_shapes.lock(conn, ids=list(versions))}
    for plot_id, version in versions.items():
        if plot_id not in rows:
            raise NotFound(Text(NO_PLOT, id=plot_id))
        if rows[plot_id]["version"] != version:
            raise stale(f"plot {rows[plot_id]['code']}", rows[plot_id]["version"], version)
    return [rows[i] for i in versions]


def _geometry(conn: psycopg.Connection, geometry: dict, field: str = "geometry") -> str:
    return json.dumps(schemas.polygon(conn, geometry, field))


def propose(conn: psycopg.Connection, park_id: int, geometry: dict) -> dict:
    """What the form of a drawn plot proposes: code, zone, GK area and overlaps."""
    return queries().plot_shapes.propose(conn, park_id=park_id,
                                         geometry=_geometry(conn, geometry))


def create(conn: psycopg.Connection, park_id: int, properties: dict, geometry: dict) -> dict:
    """A drawn plot with its code (unique in the park), name, zone, land class and planned
    use; the database refuses an overlap beyond the park's tolerance."""
    shape = _geometry(conn, geometry)
    with transaction(conn):
        plot_id = queries().plot_shapes.create(
            conn, park_id=park_id, code=properties["code"], name=properties.get("name"),
            zone_id=properties.get("zone_id"), land_class=properties.get("land_class"),
            planned_use=properties.get("planned_use"), geometry=shape)
    return plots.get(conn, plot_id)


def clip(conn: psycopg.Connection, park_id: int, geometry: dict,
         except_ids: list[int]) -> dict:
    """A geometry minus the live plots of the park it overlaps (but those in except_ids):
    what "clip to neighbours" proposes for the editor to see and confirm."""
    found = queries().plot_shapes.clip(conn, park_id=park_id, geometry=_geometry(conn, geometry),
                                       except_ids=except_ids)
    if found is None or found["geometry"] is None:
        raise BadRequest(Text(NOTHING_LEFT), code="nothing_left")
    return found


def split_preview(conn: psycopg.Connection, plot_id: int, line: dict) -> dict:
    """The pieces a line cuts a plot into, with their GK areas and proposed codes
    (<code>-1, <code>-2, …), for the editor to check and rename before saving."""
    plot = plots.get(conn, plot_id)
    code = plot["properties"]["code"]
    pieces = list(queries().plot_shapes.pieces(conn, id=plot_id, line=json.dumps(line)))
    if len(pieces) <= _parts(plot["geometry"]):
        raise BadRequest(_misses(code), code="split_misses")
    return {"plot": {"id": plot_id, "code": code, "version": plot["properties"]["version"],
                     "area_m2": plot["properties"]["area_m2"]},
            "pieces": [{"n": p["n"], "code": f"{code}-{p['n']}", "area_m2": p["area_m2"],
                        "geometry": p["geometry"]} for p in pieces]}


def _parts(geometry: dict) -> int:
    return len(geometry["coordinates"]) if geometry["type"] == "MultiPolygon" else 1


def _misses(code: str) -> Text:
    field, problem = PROBLEMS["plots_split_misses"]
    return record_problem(Text(RECORD["plots"], code=code), field, problem)


def split(conn: psycopg.Connection, plot_id: int, version: int, line: dict,
          codes: list[str]) -> dict:
    """Split a plot with a line into the pieces, coded in the order of split_preview (by
    default its proposals); the parent is retired, the children inherit its attributes and
    claims. Returns them."""
    with transaction(conn):
        code = _lock(conn, {plot_id: version})[0]["code"]
        if not codes:
            codes = [f"{code}-{p['n']}" for p in queries().plot_shapes.pieces(
                conn, id=plot_id, line=json.dumps(line))]
        kids = queries().plot_shapes.split(conn, id=plot_id, line=json.dumps(line), codes=codes)
    return {"type": "FeatureCollection", "features": [plots.get(conn, k) for k in kids]}


def merge(conn: psycopg.Connection, versions: dict[int, int], code: str) -> dict:
    """Merge adjacent plots ({id: version read}, the first one giving the attributes) into
    one coded `code`; the parents are retired. Returns the merged plot."""
    if len(versions) < 2:
        raise BadRequest(Text(TWO_PLOTS), code="merge_needs_two")
    with transaction(conn):
        rows = _lock(conn, versions)
        if len({r["park_id"] for r in rows}) > 1:
            raise BadRequest(Text(OTHER_PARK, codes=", ".join(r["code"] for r in rows)))
        merged = queries().plot_shapes.merge(conn, ids=list(versions), code=code)
    return plots.get(conn, merged)


def delete(conn: psycopg.Connection, plot_id: int, version: int, reason: str | None) -> None:
    """Delete a plot (admins) for a reason, kept with its snapshot in the lineage."""
    if not (reason or "").strip():
        raise BadRequest(Text(NO_REASON), code="reason_required", details={"field": "reason"})
    with transaction(conn):
        _lock(conn, {plot_id: version})
        queries().plot_shapes.delete(conn, id=plot_id, reason=reason.strip())


def lineage(conn: psycopg.Connection, plot_id: int) -> dict:
    """A plot's parents and children (live or retired) with the operations."""
    rows = list(queries().plot_shapes.lineage(conn, id=plot_id))
    return {"parents": [r for r in rows if r["relation"] == "parent"],
            "children": [r for r in rows if r["relation"] == "child"]}


def retired(conn: psycopg.Connection, plot_id: int) -> dict:
    """A retired plot as it was when a split, merge or delete retired it."""
    found = queries().plot_shapes.retired(conn, id=plot_id)
    if found is None:
        raise NotFound(Text(NO_PLOT, id=plot_id))
    return {**found, "lineage": lineage(conn, plot_id)}
