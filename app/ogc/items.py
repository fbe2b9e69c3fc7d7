"""Pages of a collection's features with keyset paging on the feature id.

A page is the `limit` features after (or before) a cursor id in id order, read through the
layer's own source, filters and access condition (app.layers): no OFFSET, so the
thousandth page costs what the first does. One statement answers the page, the number
matched and whether features lie beyond each end.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache

import psycopg

from .. import layers
from ..errors import BadRequest, NotFound, Text
from ..labels import N_
from . import crs as crs_
from .collections import Collection


@dataclass(frozen=True)
class Query:
    """What a client asks of a collection (parsed by app.params)."""

    limit: int
    after: int | None = None  # the page starts after this id
    before: int | None = None  # the page ends before this id (a `prev` link)
    bbox: tuple[float, float, float, float] | None = None  # in bbox_crs's axis order
    bbox_crs: crs_.Crs = crs_.DEFAULT
    crs: crs_.Crs = crs_.DEFAULT
    as_of: date | None = None
    park_id: int | None = None
    filters: tuple[tuple[str, object], ...] = ()  # (name, value), values given only


@cache
def _sql(layer: layers.Layer, active: tuple[str, ...], bbox: crs_.Crs | None,
         out: crs_.Crs, cursor: str, single: bool) -> str:
    """The statement of one page (one text per combination of what is asked).

    A layer with an evaluated state (the plots' status as of a date) evaluates it for its
    candidate rows only, as app.layers does: the page's rows when no filter reads the
    state, else every row the other filters leave (issue 14)."""
    key, id_ = f"f.{layer.id_column}", layer.id_column
    filters = [layer.filter_by_name[name] for name in active if name != "park_id"]
    where = ["f.park_id = %(park_id)s"] if "park_id" in active else []
    if bbox is not None:
        env = crs_.envelope_sql(bbox)
        where.append(f"f.{layer.geometry} && {env} AND ST_Intersects(f.{layer.geometry}, {env})")
    where += [f.predicate for f in filters if not f.state]
    state = [f.predicate for f in filters if f.state]
    if layer.condition:
        (state if layer.with_ else where).append(layer.condition)
    if single:
        where.append(f"{key} = %(fid)s")
    after, before = f"{key} > %(after)s", f"{key} < %(before)s"
    page_where = {"after": f" AND {after}", "before": f" AND {before}", "": ""}[cursor]
    beyond = {"after": f"{key} <= %(after)s", "before": f"{key} >= %(before)s",
              "": "false"}[cursor]
    direction = "DESC" if cursor == "before" else "ASC"
    window = f"WHERE true{page_where} ORDER BY {key} {direction} LIMIT %(limit)s + 1"
    geometry = crs_.geometry_sql(layer.geometry_json(), layer.geometry, out)
    if layer.with_:
        early = not state  # the page is known before any state is evaluated
        ctes = f"""cand AS NOT MATERIALIZED (
  SELECT {layer.key_columns} FROM {layer.candidates} WHERE {' AND '.join(where) or 'true'}),
ev AS (SELECT f.* FROM cand f {window if early else ''}),
{layer.with_}hit AS MATERIALIZED ({layer.hits(state)}),
"""
        rows = f"FROM {'cand' if early else 'hit'} f WHERE true"
        page = (f"SELECT {layer.columns} FROM (SELECT * FROM hit f {'' if early else window}) pg"
                f" JOIN {layer.source} ON {key} = pg.{id_} AND {layers.among('hit', id_)}"
                f" {layer.joins}")
    else:
        ctes, rows = "", f"FROM {layer.source} WHERE {' AND '.join(where) or 'true'}"
        page = (f"SELECT {layer.columns} {rows}{page_where} ORDER BY {key} {direction}"
                " LIMIT %(limit)s + 1")
    return f"""WITH {ctes}page AS MATERIALIZED ({page})
SELECT (SELECT count(*) {rows}) AS matched,
       EXISTS (SELECT 1 {rows} AND {beyond}) AS beyond,
       (SELECT count(*) FROM page) AS fetched, s.ids, s.features
FROM (SELECT array_agg(f.{id_} ORDER BY f.{id_}) AS ids,
             coalesce(json_agg(json_build_object(
               'type', 'Feature', 'id', f.{id_}, 'geometry', {geometry},
               'properties', {layer.properties}) ORDER BY f.{id_}), '[]')::text
               AS features
      FROM (SELECT * FROM page ORDER BY {id_} {direction}
            LIMIT %(limit)s) AS f) AS s"""


def _values(collection: Collection, query: Query) -> tuple[tuple[str, ...], dict]:
    """The active filters (refused when unknown or out of their vocabulary) and the
    statement's values."""
    layer = collection.layer
    if query.as_of is not None and not layer.as_of:
        raise BadRequest(Text(layers.AS_OF_TODAY, layer=Text(layer.noun)))
    for name, value in query.filters:
        if name not in layer.filter_by_name:
            raise BadRequest(Text(N_("%(layer)s cannot be filtered by %(names)s"),
                                  layer=collection.id, names=name))
        layer.filter_by_name[name].check(value)
    active = tuple(sorted(name for name, _v in query.filters))
    if query.park_id is not None:
        active += ("park_id",)
    values = {"park_id": query.park_id, "as_of": query.as_of, "limit": query.limit,
              "after": query.after, "before": query.before, **collection.values,
              **dict(query.filters)}
    if query.bbox is not None:
        values.update(zip(("minx", "miny", "maxx", "maxy"),
                          crs_.bbox_in_x_order(query.bbox, query.bbox_crs), strict=True))
    return active, values


def page(conn: psycopg.Connection, collection: Collection, query: Query) -> dict:
    """A page of features: {features, returned, matched, next_after, prev_before}, the
    features as the JSON text of their array (the JSON answer passes it on unparsed: a
    1 000-plot page would spend longer in json.loads and dumps than in the database); a
    cursor is None when nothing lies beyond that end of the page."""
    active, values = _values(collection, query)
    use_bbox = query.bbox_crs if query.bbox is not None and collection.layer.bbox else None
    cursor = "after" if query.after is not None else "before" if query.before is not None else ""
    row = conn.execute(_sql(collection.layer, active, use_bbox, query.crs, cursor, False),
                       values).fetchone()
    more = row["fetched"] > query.limit  # the far side of the cursor's direction
    forward, backward = (row["beyond"], more) if cursor == "before" else (more, row["beyond"])
    ids = row["ids"] or []
    edge = query.after if query.after is not None else (query.before or 1) - 1
    return {"features": row["features"], "returned": len(ids), "matched": row["matched"],
            "next_after": (ids[-1] if ids else edge) if forward else None,
            "prev_before": (ids[0] if ids else edge + 1) if backward else None}


def item(conn: psycopg.Connection, collection: Collection, feature_id: int,
         query: Query) -> dict:
    """One feature as its collection lists it; NotFound when the role cannot see it."""
    active, values = _values(collection, query)
    values.update(fid=feature_id, limit=1)
    row = conn.execute(_sql(collection.layer, active, None, query.crs, "", True),
                       values).fetchone()
    if not row["ids"]:
        raise NotFound(Text(N_("no %(noun)s with id %(id)s"), noun=Text(collection.layer.noun),
                            id=feature_id))
    return json.loads(row["features"])[0]
