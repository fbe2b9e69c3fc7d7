"""Mapbox Vector Tiles of a park's layers, made by PostGIS in one statement, and the
TileJSON 3.0 document of each layer.

A tile is the layer's features that meet the tile's box (ST_TileEnvelope plus the
buffer, in EPSG:4490 so the GiST index on the stored geometry serves the test), projected
to Web Mercator, simplified to the tile's pixel (one 4096th of the tile: a vertex closer
than that to the line cannot be drawn) and clipped by ST_AsMVTGeom, encoded by ST_AsMVT
with the layer's name as the MVT layer name and the feature's id as the MVT feature id.
The park's data version is read in the same statement, so a tile and the version it is
served under come from one snapshot.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import psycopg

from .. import parks
from ..db import queries
from ..errors import NotFound, Text
from ..labels import N_
from .layer import TileLayer

EXTENT = 4096  # MVT units per tile side
BUFFER = 64  # units drawn beyond the edge, so that strokes meet across tiles
MIN_ZOOM, MAX_ZOOM = 8, 22  # zooms served; below 8 a tile of a large park is too big to make
WORLD_M = 2 * 20037508.342789244  # the Web Mercator world's width in metres
CONTENT_TYPE = "application/vnd.mapbox-vector-tile"


@dataclass(frozen=True)
class Tile:
    version: int
    data: bytes


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


@cache
def sql(layer: TileLayer) -> str:
    """The statement that makes a tile of the layer: (tile bytea, version)."""
    return f"""WITH box AS (
  SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS e,
         ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s,
                                      margin => {BUFFER / EXTENT}), 4490) AS b),
{layer.with_}t AS ({layer.select})
SELECT coalesce((
  SELECT ST_AsMVT(m, %(layer)s, {EXTENT}, 'geom', 'id') FROM (
    SELECT t.id, t.props, ST_AsMVTGeom(ST_Simplify(ST_Transform(t.g, 3857), %(tolerance)s, true),
                                       box.e, {EXTENT}, {BUFFER}, true) AS geom
    FROM t, box) m
  WHERE m.geom IS NOT NULL), '') AS tile,
  (SELECT data_version FROM parks WHERE id = %(park_id)s) AS version"""


def params(layer: TileLayer, park_id: int, z: int, x: int, y: int) -> dict:
    """The statement's parameters for one tile."""
    return {"park_id": park_id, "layer": layer.name, "z": z, "x": x, "y": y,
            "tolerance": WORLD_M / 2**z / EXTENT}


def render(conn: psycopg.Connection, layer: TileLayer, park_id: int, z: int, x: int,
           y: int) -> Tile:
    """One tile of a park's layer (empty bytes when no feature meets it)."""
    check_address(z, x, y)
    row = conn.execute(sql(layer), params(layer, park_id, z, x, y)).fetchone()
    return Tile(version=row["version"], data=bytes(row["tile"]))


def etag(park: dict, layer: TileLayer, z: int, x: int, y: int) -> str:
    """The tile's entity tag: its data version and address, and the variant of the layer
    the reader's role gets (a guest's plots are not a viewer's)."""
    return f"{park['code']}-{park['version']}-{layer.name}-{layer.variant}-{z}-{x}-{y}"


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
