"""Mapbox Vector Tiles of a park's layers, made by PostGIS in one statement, and the
TileJSON 3.0 document of each layer.

A tile is the layer's features that meet the tile's box (ST_TileEnvelope plus the
buffer, in EPSG:4490 so the GiST index on the stored geometry serves the test), projected
to Web Mercator, simplified to the tile's pixel (one 4096th of the tile: a vertex closer
than that to the line cannot be drawn) and clipped by ST_AsMVTGeom, encoded by ST_AsMVT
with the layer's name as the MVT layer name and the feature's id as the MVT feature id.
One statement per request (`fetch`) reads the park's data version, the tile's date, the
tile kept for them and, when none is kept, makes it: a tile and the version it is served
under come from one snapshot, and a request spends one round trip on its tile.

A plot smaller than a pixel of the tile (its bounding box under 1/256 of the tile's side
both ways) cannot be drawn and is left out: at the whole-park zooms most plots of a big park
are a few pixels, and the test reads the stored geometry's box, so the GiST index still
serves the tile. The plots' stage, flags and readiness are as of the tile's date (`as_of`,
the park's today when none): the stored results of that day, the plots without one evaluated
for the tile's plots only.

Tiles once made are kept (app.tiles.cache) per park, data version, layer, variant, address
and date, so a tile is made once per data version.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import cache

import psycopg

from .. import parks
from ..db import queries
from ..errors import NotFound, Text
from ..labels import N_
from . import cache as kept
from .layer import TileLayer

EXTENT = 4096  # MVT units per tile side
BUFFER = 64  # units drawn beyond the edge, so that strokes meet across tiles
MIN_ZOOM, MAX_ZOOM = 8, 22  # zooms served; below 8 a tile of a large park is too big to make
WORLD_M = 2 * 20037508.342789244  # the Web Mercator world's width in metres
PIXELS = 256  # a tile's side on the screen: a plot under one of its pixels is left out
CONTENT_TYPE = "application/vnd.mapbox-vector-tile"


@dataclass(frozen=True)
class Tile:
    version: int
    data: bytes
    kept: bool = False  # read from the cache, not made now


def park_version(conn: psycopg.Connection, code: str) -> dict:
    """{id, code, version} of the park with that code; NotFound when there is none."""
    row = queries().tiles.park_version(conn, code=code)
    if row is None:
        raise NotFound(Text(N_("no park with code %(code)s"), code=code))
    return row


def address(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The x, y of the Web Mercator tile holding a point at a zoom."""
    n = 2**z
    return (int((lon + 180) / 360 * n),
            int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n))


def check_address(z: int, x: int, y: int) -> None:
    """NotFound for a tile that does not exist, or at a zoom that is not served."""
    if not (MIN_ZOOM <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z):
        raise NotFound(Text(N_("there is no tile %(z)s/%(x)s/%(y)s: zooms %(low)s to %(high)s "
                               "are served"), z=z, x=x, y=y, low=MIN_ZOOM, high=MAX_ZOOM))


# Up to this zoom a plot is at most a few pixels wide: the plots of a tile that look the same
# (the same attributes but id, code and name) travel as one feature, a MultiPolygon of their
# outlines (ST_Collect, no union): a whole-park tile of 17 000 plots becomes a few hundred
# features for the client to decode and draw (at z12, 6 000–9 000 plots and 277 KiB per tile
# on the 100 000-plot park took the map a second to decode). Such a feature has no id; a
# click on it asks the API for the plot under the point (map/tiles.js openPlotAt).
MERGE_MAX_ZOOM = 12
_MERGED = """SELECT row_number() OVER () AS id, s.props, s.g FROM (
  SELECT o.props - 'id' - 'code' - 'name' AS props, ST_Collect(d.geom) AS g
  FROM o, ST_Dump(o.g) d GROUP BY 1) s"""


def statement(layer: TileLayer, z: int) -> str:
    """The statement that serves the layer's tiles at zoom z (`sql`)."""
    return sql(layer, merged=layer.merge and z <= MERGE_MAX_ZOOM)


@cache
def sql(layer: TileLayer, merged: bool = False) -> str:
    """The statement that serves a tile of the layer: the park with that code (`id`, `code`,
    `version`), the tile's date (`day`), the tile kept for them (`kept`, else NULL) and, when
    none is kept, the park's version is the one asked for and `make` is true, the tile made
    now (`made`, else NULL). CASE and the lazily run sub-plans make nothing that is not
    asked for. `merged`: the features that look the same as one (MERGE_MAX_ZOOM)."""
    features = f"o AS ({layer.select}),\nt AS ({_MERGED})" if merged else f"t AS ({layer.select})"
    # px, py: a pixel of the tile in EPSG:4490 degrees (b spans the tile and its buffer)
    return f"""WITH park AS MATERIALIZED (
  SELECT p.id, p.code, p.data_version AS version,
         coalesce(%(as_of)s::date, park_today(p.id)) AS day
  FROM parks p WHERE p.code = %(code)s),
kept AS MATERIALIZED (
  SELECT c.tile FROM tile_cache c, park
  WHERE c.park_id = park.id AND c.data_version = park.version AND c.layer = %(layer)s
    AND c.variant = %(variant)s AND c.z = %(z)s AND c.x = %(x)s AND c.y = %(y)s
    AND c.as_of = park.day),
frame AS (
  SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS e,
         ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s,
                                      margin => {BUFFER / EXTENT}), 4490) AS b),
box AS (
  SELECT e, b, (ST_XMax(b) - ST_XMin(b)) / {PIXELS * (1 + 2 * BUFFER / EXTENT)} AS px,
         (ST_YMax(b) - ST_YMin(b)) / {PIXELS * (1 + 2 * BUFFER / EXTENT)} AS py FROM frame),
{layer.with_}{features}
SELECT park.id, park.code, park.version, park.day, (SELECT tile FROM kept) AS kept,
  CASE WHEN %(make)s AND coalesce(park.version = %(version)s::int, true)
            AND NOT EXISTS (SELECT FROM kept)
  THEN coalesce((
    SELECT ST_AsMVT(m, %(layer)s, {EXTENT}, 'geom', 'id') FROM (
      SELECT t.id, t.props, ST_AsMVTGeom(ST_Simplify(ST_Transform(t.g, 3857), %(tolerance)s,
                                                     true), box.e, {EXTENT}, {BUFFER}, true) AS geom
      FROM t, box) m
    WHERE m.geom IS NOT NULL), '') END AS made
FROM park"""


def params(layer: TileLayer, code: str, z: int, x: int, y: int, as_of: date | None = None,
           version: int | None = None, make: bool = True) -> dict:
    """The statement's parameters for one tile of the park with that code, as of `as_of`
    (the park's today when None), made when `make` and the park is at `version` (any
    version when None)."""
    return {"code": code, "layer": layer.name, "variant": kept.variant(layer, statement(layer, z)),
            "z": z, "x": x, "y": y, "as_of": as_of, "tolerance": WORLD_M / 2**z / EXTENT,
            "version": version, "make": make}


def fetch(conn: psycopg.Connection, code: str, layer: TileLayer, z: int, x: int, y: int,
          as_of: date | None, version: int | None = None, make: bool = True,
          limit_bytes: int = 0, keep_to_zoom: int = -1) -> dict:
    """{id, code, version, day, tile} of the park with that code: its data version, the
    tile's date (`as_of`, else the park's today) and the tile (a `Tile`): the kept one, else
    made now when `make` and the park is at `version` (None: at any), else None. A tile made
    at most at `keep_to_zoom` is kept. NotFound when there is no such park."""
    check_address(z, x, y)
    made_by = statement(layer, z)
    row = conn.execute(made_by, params(layer, code, z, x, y, as_of, version, make)).fetchone()
    if row is None:
        raise NotFound(Text(N_("no park with code %(code)s"), code=code))
    park = {k: row[k] for k in ("id", "code", "version", "day")}
    if row["kept"] is not None:
        park["tile"] = Tile(version=row["version"], data=bytes(row["kept"]), kept=True)
    elif row["made"] is not None:
        park["tile"] = Tile(version=row["version"], data=bytes(row["made"]))
        if z <= keep_to_zoom:
            kept.keep(conn, layer, made_by, park, z, x, y, park["tile"].data, limit_bytes)
    else:
        park["tile"] = None
    return park


def etag(park: dict, layer: TileLayer, z: int, x: int, y: int) -> str:
    """The tile's entity tag: its data version, date and address, and the variant of the
    layer the reader's role gets (a guest's plots are not a viewer's)."""
    return (f"{park['code']}-{park['version']}-{layer.name}-{layer.variant}-{z}-{x}-{y}-"
            f"{park['day']:%Y%m%d}")


def tilejson(conn: psycopg.Connection, park: dict, layer: TileLayer, url: str) -> dict:
    """The TileJSON 3.0.0 document of a park's layer; `url` is the tiles' URL template
    (…/{z}/{x}/{y}.mvt) at the park's current data version."""
    bbox = parks.get(conn, park["id"])["properties"]["bbox"] or [-180, -85.05, 180, 85.05]
    centre = [(bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2, max(MIN_ZOOM, 14)]
    return {
        "tilejson": "3.0.0", "name": f"{park['code']} {layer.name}",
        "description": layer.title, "scheme": "xyz", "tiles": [url],
        "minzoom": MIN_ZOOM, "maxzoom": MAX_ZOOM, "bounds": bbox, "center": centre,
        "data_version": park["version"],
        "vector_layers": [{"id": layer.name, "description": layer.title,
                           "minzoom": MIN_ZOOM, "maxzoom": MAX_ZOOM,
                           "fields": dict(layer.fields)}],
    }
