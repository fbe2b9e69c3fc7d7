"""Mapbox Vector Tiles of a park's layers, made by PostGIS in one statement, and the
TileJSON 3.0 document of each layer.

A tile is the layer's features that meet the tile's box (ST_TileEnvelope plus the
buffer, in EPSG:4490 so the GiST index on the stored geometry serves the test), projected
to Web Mercator, simplified to the tile's pixel (one 4096th of the tile: a vertex closer
than that to the line cannot be drawn) and clipped by ST_AsMVTGeom, encoded by ST_AsMVT
with the layer's name as the MVT layer name and the feature's id as the MVT feature id.
The park's data version is read in the same statement, so a tile and the version it is
served under come from one snapshot.

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
    """The statement that makes the layer's tile at zoom z."""
    return sql(layer, merged=layer.merge and z <= MERGE_MAX_ZOOM)


@cache
def sql(layer: TileLayer, merged: bool = False) -> str:
    """The statement that makes a tile of the layer: (tile bytea, version); `merged`: the
    features that look the same as one (MERGE_MAX_ZOOM)."""
    features = f"o AS ({layer.select}),\nt AS ({_MERGED})" if merged else f"t AS ({layer.select})"
    # px, py: a pixel of the tile in EPSG:4490 degrees (b spans the tile and its buffer)
    return f"""WITH frame AS (
  SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS e,
         ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s,
                                      margin => {BUFFER / EXTENT}), 4490) AS b),
box AS (
  SELECT e, b, (ST_XMax(b) - ST_XMin(b)) / {PIXELS * (1 + 2 * BUFFER / EXTENT)} AS px,
         (ST_YMax(b) - ST_YMin(b)) / {PIXELS * (1 + 2 * BUFFER / EXTENT)} AS py FROM frame),
{layer.with_}{features}
SELECT coalesce((
  SELECT ST_AsMVT(m, %(layer)s, {EXTENT}, 'geom', 'id') FROM (
    SELECT t.id, t.props, ST_AsMVTGeom(ST_Simplify(ST_Transform(t.g, 3857), %(tolerance)s, true),
                                       box.e, {EXTENT}, {BUFFER}, true) AS geom
    FROM t, box) m
  WHERE m.geom IS NOT NULL), '') AS tile,
  (SELECT data_version FROM parks WHERE id = %(park_id)s) AS version"""


def params(layer: TileLayer, park_id: int, z: int, x: int, y: int,
           as_of: date | None = None) -> dict:
    """The statement's parameters for one tile (as of the park's today when no date)."""
    return {"park_id": park_id, "layer": layer.name, "z": z, "x": x, "y": y,
            "as_of": as_of, "tolerance": WORLD_M / 2**z / EXTENT}


def lookup(conn: psycopg.Connection, code: str, layer: TileLayer, z: int, x: int, y: int,
           as_of: date | None) -> dict:
    """{id, code, version, day, tile} of the park with that code: its data version, the
    tile's date (`as_of`, else the park's today) and the tile kept for both (None when
    none); NotFound when there is no such park."""
    row = queries().tiles.lookup(conn, code=code, layer=layer.name, variant=kept.variant(
        layer, statement(layer, z)), z=z, x=x, y=y, as_of=as_of)
    if row is None:
        raise NotFound(Text(N_("no park with code %(code)s"), code=code))
    return row


def render(conn: psycopg.Connection, layer: TileLayer, park: dict, z: int, x: int, y: int,
           limit_bytes: int = 0, keep_to_zoom: int = -1) -> Tile:
    """One tile of a park's layer as of park["day"] (empty bytes when no feature meets it):
    the kept one (park["tile"], from lookup), else made now and kept when `z` is at most
    `keep_to_zoom` and the park's version did not move meanwhile."""
    check_address(z, x, y)
    if park.get("tile") is not None:
        return Tile(version=park["version"], data=bytes(park["tile"]), kept=True)
    made_by = statement(layer, z)
    row = conn.execute(made_by, params(layer, park["id"], z, x, y, park["day"])).fetchone()
    made = Tile(version=row["version"], data=bytes(row["tile"]))
    if z <= keep_to_zoom and made.version == park["version"]:
        kept.keep(conn, layer, made_by, park, z, x, y, made.data, limit_bytes)
    return made


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
