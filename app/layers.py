"""The park's feature layers: one description each, and the queries that serve them.

A `Layer` says where a layer's rows come from (table, view or join), which geometry and
metric geometry it has, which properties a feature carries, which filters a request may
apply and how they read in SQL, who may read it and how pages are ordered. A layer may have a
narrower variant for the guest role (`GUEST_LAYERS`): the rows a guest may see and only the
properties it may read; `visible()` picks the one for a request's role. The JSON API
lists and fetches features through `search` and `get`; vector tiles and OGC API Features
can build on the same descriptions (issue 14). The SQL fragments are constants of this
module; request values only ever travel as query parameters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import cache

import psycopg

from . import labels, params, readiness, status
from .crs import STORAGE_SRID
from .errors import BadRequest, Forbidden, NotFound, Text
from .labels import N_
from .params import CURSOR, Page


@dataclass(frozen=True)
class Filter:
    """A request parameter that narrows a layer, and the SQL predicate it adds."""

    name: str
    predicate: str  # SQL over the layer's source; the value is %(<name>)s
    choices: tuple[str, ...] = ()  # the allowed values; empty: any text
    kind: str = "text"  # "text" or "boolean" (parsed by params.boolean)
    description: str = ""
    state: bool = False  # whether it reads the evaluated state (st, rd) rather than the row

    def check(self, value) -> None:
        """Refuse a value outside the filter's vocabulary."""
        if self.choices and value not in self.choices:
            raise BadRequest(Text(N_("%(name)s must be one of %(choices)s, not %(value)s"),
                                  name=self.name, choices=", ".join(self.choices),
                                  value=repr(value)))


@dataclass(frozen=True)
class Item:
    """What one feature of a layer shows on its own (more than a list row)."""

    source: str
    properties: str


@dataclass(frozen=True)
class Layer:
    """One feature layer of a park, described for every way it is served."""

    name: str
    noun: str  # one feature, in messages
    title: str
    source: str  # FROM clause of the layer's rows, aliased f (one row per feature)
    properties: str  # jsonb of a feature, over a row f of `columns`
    order: tuple[str, ...]  # paging order (columns of `columns`)
    geometry_types: tuple[str, ...]
    columns: str = "f.*"  # what a row of the layer carries
    filters: tuple[Filter, ...] = ()
    with_: str = ""  # CTEs of the evaluated state of the rows in CTE `ev`, each + a comma
    joins: str = ""  # the joins of that state to the source (after FROM source)
    keys: str = ""  # SQL over the source: the id, park_id and order columns (default: theirs)
    # FROM clause of the rows a layer with a state (`with_`) finds before evaluating it
    # (aliased f; default: source): a table rather than a view, so that counting them
    # reads an index; the bbox, the key columns and the filters that read no state are
    # over it
    rows: str = ""
    geometry: str = "geom"  # EPSG:4490
    metric_geometry: str | None = "geom_gk"  # the park's Gauss-Krüger CRS, for areas
    id_column: str = "id"
    bbox: bool = True  # whether a bbox narrows the layer
    as_of: bool = False  # whether its properties depend on the evaluation date
    role: str = "viewer"  # who may read it
    item: Item | None = None
    condition: str = ""  # SQL over the source (and state) that every row served must meet
    filter_by_name: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "filter_by_name", {f.name: f for f in self.filters})

    @property
    def candidates(self) -> str:
        """The FROM clause of the rows found before any state is evaluated."""
        return self.rows or self.source

    def hits(self, state: list[str]) -> str:
        """The query of CTE `hit`: the rows of CTE `ev` that meet the predicates on the
        state. The state's joins narrow nothing that no predicate reads (every row has its
        state): without one, `ev` itself (a join and a view less to plan, issue 14)."""
        if not (self.with_ and state):
            return "SELECT * FROM ev"
        id_ = self.id_column
        return (f"SELECT ev.* FROM ev JOIN {self.source} ON f.{id_} = ev.{id_} {self.joins} "
                f"WHERE {' AND '.join(state)}")

    @property
    def key_columns(self) -> str:
        """The select list of a row's id, park and paging key over the source."""
        names = dict.fromkeys((self.id_column, "park_id", *self.order))
        return self.keys or ", ".join(f"f.{n}" for n in names)

    @property
    def polygons(self) -> bool:
        return "MultiPolygon" in self.geometry_types

    def geometry_json(self, alias: str = "f") -> str:
        """SQL of the RFC 7946 geometry (EPSG:4326, polygons counter-clockwise)."""
        geom = f"ST_Transform({alias}.{self.geometry}, 4326)"
        if self.polygons:
            geom = f"ST_ForcePolygonCCW({geom})"
        return f"ST_AsGeoJSON({geom}, 9)::json"


# Each plot's stage, flags and readiness as of a date (stored rows for today), for the
# plots of CTE `ev` only (a page, a bbox: issue 14), one call per park that has some.
# "Today" is each park's own date (its time zone). Materialized: each is evaluated once
# even where a query reads it once (inlined into a join, a plot's state was looked up
# again for every row: a page of 1 000 plots took 19 s).
_PLOT_STATE = """day AS (SELECT pk.id AS park_id, coalesce(%(as_of)s::date, park_today(pk.id)) AS d,
                    ARRAY(SELECT ev.id FROM ev WHERE ev.park_id = pk.id) AS ids
             FROM parks pk WHERE (%(park_id)s::int IS NULL OR pk.id = %(park_id)s)
               AND EXISTS (SELECT 1 FROM ev WHERE ev.park_id = pk.id)),
st AS MATERIALIZED (SELECT s.* FROM day
                   CROSS JOIN LATERAL plot_status_as_of(day.park_id, day.d, day.ids) s),
rd AS MATERIALIZED (SELECT r.* FROM day
                   CROSS JOIN LATERAL plot_readiness_as_of(day.park_id, day.d, day.ids) r),
"""

# a plot (a row of plots) in the zone of that code (plot_features.zone_code)
_IN_ZONE = "EXISTS (SELECT 1 FROM zones z WHERE z.id = f.zone_id AND z.code = %(zone)s)"

LAYERS: dict[str, Layer] = {layer.name: layer for layer in (
    Layer(
        name="zones", noun=N_("zone"), title="Zones", source="zones f", role="guest",
        geometry_types=("MultiPolygon",), order=("park_id", "code"),
        properties="""jsonb_build_object(
          'id', f.id, 'park_id', f.park_id, 'code', f.code, 'name', f.name,
          'name_en', f.name_en, 'admitted_industries', f.admitted_industries,
          'area_m2', ST_Area(f.geom_gk), 'version', f.version)"""),
    Layer(
        name="plots", noun=N_("plot"), title="Plots with status flags and readiness level",
        with_=_PLOT_STATE, source="plot_features f", rows="plots f",
        joins="JOIN st ON st.plot_id = f.id JOIN rd ON rd.plot_id = f.id",
        columns="""f.id, f.park_id, f.code, f.geom, f.properties || jsonb_build_object(
          'stage', st.stage, 'flags', to_jsonb(st.flags), 'level', rd.level,
          'level_name', rd.level_name, 'level_name_en', rd.level_name_en,
          'serviced', rd.serviced, 'evaluated_on', st.evaluated_on) AS properties""",
        properties="f.properties", geometry_types=("MultiPolygon",),
        order=("park_id", "code"), as_of=True, role="guest",  # a guest: GUEST_LAYERS
        filters=(
            Filter("code", "starts_with(upper(f.code), upper(%(code)s))",
                   description="plot code prefix, case-insensitive"),
            Filter("q", "(starts_with(upper(f.code), upper(%(q)s))"
                        " OR strpos(lower(f.name), lower(%(q)s)) > 0)",
                   description="the map's search: a plot code prefix or a part of the "
                               "plot's name, case-insensitive"),
            Filter("stage", "st.stage = %(stage)s", tuple(labels.STAGES), state=True),
            Filter("zone", _IN_ZONE, description="zone code"),
            Filter("flag", "%(flag)s = ANY (st.flags)", status.FLAGS, state=True),
            Filter("serviced", "rd.serviced = %(serviced)s", kind="boolean", state=True,
                   description="serviced land (熟地, at least 三通一平)"),
        ),
        item=Item(source="plot_features f JOIN plots p ON p.id = f.id",
                  properties="(to_jsonb(p) - 'geom' - 'geom_gk') || f.properties")),
    Layer(
        name="roads", noun=N_("road"), title="Roads", source="roads f", role="guest",
        geometry_types=("MultiLineString",), order=("park_id", "name", "id"),
        filters=(Filter("status", "f.status = %(status)s", tuple(labels.STATUSES)),),
        properties="""jsonb_build_object(
          'id', f.id, 'park_id', f.park_id, 'name', f.name, 'class', f.class,
          'width_m', f.width_m, 'status', f.status,
          'planned_completion', f.planned_completion,
          'length_m', ST_Length(f.geom_gk), 'version', f.version)"""),
    Layer(
        name="networks", noun=N_("network feature"), title="Utility networks", source="networks f",
        geometry_types=("MultiLineString", "Point"), order=("park_id", "utility", "id"),
        filters=(Filter("utility", "f.utility = %(utility)s", tuple(labels.UTILITIES)),
                 Filter("status", "f.status = %(status)s", tuple(labels.STATUSES))),
        properties="""jsonb_build_object(
          'id', f.id, 'park_id', f.park_id, 'utility', f.utility,
          'subtype', f.subtype, 'name', f.name, 'status', f.status,
          'planned_completion', f.planned_completion,
          'length_m', ST_Length(f.geom_gk), 'version', f.version)"""),
    Layer(
        name="projects", noun=N_("project"), title="Projects",
        source="project_features f", keys="f.id, f.park_id, f.properties ->> 'code' AS code",
        columns="f.*, f.properties ->> 'code' AS code", properties="f.properties",
        geometry_types=("MultiPolygon",), order=("park_id", "code"), bbox=False,
        metric_geometry=None,
        filters=(Filter("stage", "f.properties ->> 'stage' = %(stage)s",
                        tuple(labels.PROJECT_STAGES)),),
        item=Item(source="project_features f", properties="""f.properties || jsonb_build_object(
          'milestones', (SELECT coalesce(jsonb_agg(to_jsonb(m) - 'project_id'
                                                   ORDER BY m.planned_on), '[]')
                         FROM milestones m WHERE m.project_id = f.id),
          'progress', (SELECT coalesce(jsonb_agg(to_jsonb(r) - 'project_id'
                                                 ORDER BY r.reported_on), '[]')
                       FROM progress_reports r WHERE r.project_id = f.id))""")),
)}


# What a guest may see of a plot (DESIGN §1 "read-only map of available serviced land"):
# the remaining supplyable land of §4.6, "serviced, banked, not yet supplied": as of the
# park's today the plot's stage is banked (已收储: banked, and no supply contract yet, since
# supply is the next event) and it is serviced land (熟地, at least 三通一平, §4.5). Only
# its code, areas, planned use, zone and readiness: no owner, land user, money, project,
# flag, reason or history (the layer has no as_of).
_GUEST_PLOT = """jsonb_build_object(
  'id', f.id, 'park_id', f.park_id, 'code', f.code, 'zone', f.zone_code,
  'zone_name', f.properties -> 'zone_name', 'planned_use', f.properties -> 'planned_use',
  'planned_use_name', f.properties -> 'planned_use_name',
  'planned_use_name_en', f.properties -> 'planned_use_name_en',
  'area_m2', f.properties -> 'area_m2', 'area_mu', f.properties -> 'area_mu',
  'area_ha', f.properties -> 'area_ha', 'stage', f.stage, 'level', rd.level,
  'level_name', rd.level_name, 'level_name_en', rd.level_name_en, 'serviced', rd.serviced)"""
GUEST_PLOT_CONDITION = "f.stage = 'banked' AND rd.serviced"

GUEST_LAYERS: dict[str, Layer] = {
    "zones": LAYERS["zones"],
    "roads": LAYERS["roads"],
    "plots": Layer(
        name="plots", noun=N_("plot"), title="Supplyable serviced plots", role="guest",
        with_=_PLOT_STATE, source="plot_features f", rows="plots f",
        joins="JOIN rd ON rd.plot_id = f.id",
        columns=f"f.id, f.park_id, f.code, f.geom, {_GUEST_PLOT} AS properties",
        properties="f.properties", geometry_types=("MultiPolygon",),
        order=("park_id", "code"), condition=GUEST_PLOT_CONDITION,
        filters=(Filter("code", "starts_with(upper(f.code), upper(%(code)s))",
                        description="plot code prefix, case-insensitive"),
                 # a guest reads no names: its search matches codes only
                 Filter("q", "starts_with(upper(f.code), upper(%(q)s))",
                        description="the map's search: a plot code prefix"),
                 Filter("zone", _IN_ZONE, description="zone code")),
        item=Item(source="""plot_features f JOIN LATERAL (
                    SELECT r.* FROM plot_readiness_as_of(f.park_id, park_today(f.park_id),
                                                         ARRAY[f.id]) r) rd ON true""",
                  properties=_GUEST_PLOT)),
}

AS_OF_TODAY = N_("a guest sees the %(layer)s layer as of today only: as_of cannot be given")


def visible(name: str, role: str | None) -> Layer:
    """The layer as a role sees it: the guest variant below viewer; Forbidden when the
    role may not read the layer at all."""
    layer = LAYERS[name]
    if role is not None and role != "guest":
        return layer
    if name not in GUEST_LAYERS or layer.role != "guest":
        raise Forbidden(Text(N_("a guest may not read the %(layer)s layer"),
                             layer=Text(layer.noun)))
    return GUEST_LAYERS[name]


def among(cte: str, id_: str) -> str:
    """A predicate over a layer's source: its row is one of a CTE's (by id). It adds nothing
    to the join with the CTE but an estimate: a view's rows are then looked up by index
    (the planner, estimating a state's as-of rows as the whole park's, hashed every plot of
    the park through the view for a page of 1 000: 1.3 of 1.9 s, issue 14)."""
    return f"f.{id_} = ANY (ARRAY(SELECT {id_} FROM {cte}))"


@cache
def _search_sql(layer: Layer, active: tuple[str, ...], bbox: bool, after: bool) -> str:
    """The paging query of a layer with the given filters (one text per combination).

    The rows are found first by what they carry themselves (park, bbox, the filters on the
    row: `cand`, with the index); only those are evaluated (`ev`: the state of a layer
    such as the plots' status as of a date, issue 14) and, without a filter on the state,
    only the page of them. A page starts after a key (`after`, keyset paging: no deep
    OFFSET; the index of the key finds it) and holds one row more than asked, which says
    whether another page follows; the features are built for the page's rows only."""
    where = ["f.park_id = %(park_id)s"] if "park_id" in active else []
    if bbox:
        where.append(f"ST_Intersects(f.{layer.geometry}, ST_MakeEnvelope("
                     f"%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, {STORAGE_SRID}))")
    filters = [layer.filter_by_name[name] for name in active if name != "park_id"]
    where += [f.predicate for f in filters if not f.state]
    state = [f.predicate for f in filters if f.state]
    if layer.condition:
        (state if layer.with_ else where).append(layer.condition)
    key = ", ".join(f"f.{c}" for c in layer.order)
    start = ("(" + key + ") > (" + ", ".join(f"%(after{i})s" for i in range(len(layer.order)))
             + ")") if after else "true"
    window = f"WHERE {start} ORDER BY {key} LIMIT %(limit)s + 1 OFFSET %(offset)s"
    early = not state  # the page is known before any state is evaluated
    id_ = layer.id_column
    return f"""WITH cand AS NOT MATERIALIZED (
  SELECT {layer.key_columns} FROM {layer.candidates} WHERE {' AND '.join(where) or 'true'}),
ev AS (SELECT f.* FROM cand f {window if early else ''}),
{layer.with_}hit AS ({layer.hits(state)}),
pg AS MATERIALIZED (SELECT f.* FROM hit f {'ORDER BY ' + key if early else window})
SELECT (SELECT count(*) FROM {'cand' if early else 'hit'}) AS matched,
       (SELECT count(*) FROM pg) AS fetched,
       (SELECT json_build_array({key}) FROM pg f
        ORDER BY {key} LIMIT 1 OFFSET %(limit)s - 1) AS last_key,
       coalesce((SELECT json_agg(json_build_object(
                   'type', 'Feature', 'id', f.{id_},
                   'geometry', {layer.geometry_json()},
                   'properties', {layer.properties}) ORDER BY {key})
                 FROM (SELECT {layer.columns}
                       FROM (SELECT * FROM pg f ORDER BY {key} LIMIT %(limit)s) pg
                       JOIN {layer.source} ON f.{id_} = pg.{id_} AND {among('pg', id_)}
                       {layer.joins}) AS f),
                '[]')::text AS features"""


def search(conn: psycopg.Connection, layer: Layer, park_id: int | None, bbox, page: Page,
           as_of: date | None = None, **filters) -> dict:
    """A page of a layer's features: {features, matched, offset, limit, after, next}.

    Filters given as None are not applied; unknown filters and values outside a filter's
    vocabulary are refused. The page starts after `page.after` (a key from an earlier
    page's `next`) when given, then skips `page.offset` features; `next` is the key to
    ask for the following page (None on the last one). The web layer adds the links.
    """
    result = search_json(conn, layer, park_id, bbox, page, as_of, **filters)
    result["features"] = json.loads(result["features"])
    return result


def search_json(conn: psycopg.Connection, layer: Layer, park_id: int | None, bbox,
                page: Page, as_of: date | None = None, **filters) -> dict:
    """`search` with the features as the JSON text of their array, as PostgreSQL made it,
    and their number (`returned`): the API passes the text on unparsed (parsing and
    writing again a page of 1 000 plots cost more than its SQL)."""
    if as_of is not None and not layer.as_of:
        raise BadRequest(Text(AS_OF_TODAY, layer=Text(layer.noun)))
    unknown = sorted(n for n, v in filters.items() if v is not None and n not in
                     layer.filter_by_name) + sorted(set(filters) - set(LAYERS[layer.name]
                                                                        .filter_by_name))
    if unknown:
        raise BadRequest(Text(N_("%(layer)s cannot be filtered by %(names)s"),
                              layer=layer.name, names=", ".join(unknown)))
    active = [name for name, value in filters.items() if value is not None]
    for name in active:
        layer.filter_by_name[name].check(filters[name])
    use_bbox = bool(bbox) and layer.bbox
    params = {"park_id": park_id, "as_of": as_of, "limit": page.limit, "offset": page.offset,
              **{name: filters[name] for name in active}}
    if use_bbox:
        params.update(zip(("minx", "miny", "maxx", "maxy"), bbox, strict=True))
    if page.after is not None:
        params.update((f"after{i}", v) for i, v in enumerate(_key(layer, page.after)))
    key = tuple(sorted(active)) + (("park_id",) if park_id is not None else ())
    row = conn.execute(_search_sql(layer, key, use_bbox, page.after is not None),
                       params).fetchone()
    return {"features": row["features"], "matched": row["matched"], "offset": page.offset,
            "limit": page.limit, "after": page.after,
            "returned": min(row["fetched"], page.limit),
            "next": row["last_key"] if row["fetched"] > page.limit else None}


# The type of each paging key column (any other is text): a key from a request is checked
# against them, so that it reaches SQL only as what the column holds.
KEY_TYPES = {"id": int, "park_id": int}


def _key(layer: Layer, values: tuple) -> tuple:
    """A paging key given for this layer, refused unless it has the layer's columns' types."""
    types = [KEY_TYPES.get(c, str) for c in layer.order]
    if len(values) != len(types) or not all(isinstance(v, t) and not isinstance(v, bool)
                                            for v, t in zip(values, types, strict=True)):
        raise BadRequest(Text(CURSOR, value=params.cursor_text(values)))
    return values


def get(conn: psycopg.Connection, layer: Layer, feature_id: int) -> dict:
    """One feature of a layer, with what its item shows; NotFound when absent."""
    item = layer.item or Item(source=layer.source, properties=layer.properties)
    row = conn.execute(
        f"SELECT f.{layer.id_column} AS id, {layer.geometry_json()} AS geometry, "
        f"{item.properties} AS properties FROM {item.source} "
        f"WHERE f.{layer.id_column} = %(id)s"
        + (f" AND {layer.condition}" if layer.condition else ""), {"id": feature_id}).fetchone()
    if row is None:
        raise NotFound(Text(N_("no %(noun)s with id %(id)s"), noun=Text(layer.noun),
                            id=feature_id))
    return {"type": "Feature", "id": row["id"], "geometry": row["geometry"],
            "properties": row["properties"]}


def guest_plot(conn: psycopg.Connection, plot_id: int, as_of: date | None = None) -> dict:
    """What a guest may see of one plot: a supplyable serviced plot (else NotFound, as for
    a plot that does not exist) with its readiness, as of today only."""
    if as_of is not None:
        raise BadRequest(Text(AS_OF_TODAY, layer=Text(LAYERS["plots"].noun)))
    feature = get(conn, GUEST_LAYERS["plots"], plot_id)
    props = feature["properties"]
    props["readiness"] = readiness.get(conn, props["park_id"], plot_id)
    return feature
