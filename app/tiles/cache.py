"""Made tiles kept in the database (table tile_cache, migration 0035), so that a tile is
made once per data version.

The key is what decides a tile's bytes: the park, its data version (moved on by every edit
a tile can show: the old keys are never read again), the layer, the variant a role reads
with a digest of the tile statement (a new release's statement makes new keys), the address
and the date the plots are evaluated as of (the park's today when none is asked for, so a
new day makes new keys even before the nightly recompute moves the version on). Why a table
and not files under the instance folder: every gunicorn worker and every app server reads
the same cache, a tile is kept under the version of the snapshot it was made from, and
older versions, the size bound and a rules change (forget_kept, 10_upkeep.sql) are one
statement each; the table is UNLOGGED (no WAL; a crash empties it, which a cache can bear).
"""

from __future__ import annotations

import hashlib
from functools import cache

import psycopg

from ..db import queries
from .layer import TileLayer


@cache
def variant(layer: TileLayer, statement: str) -> str:
    """The layer's variant for a role and a digest of its statement."""
    return f"{layer.variant}:{hashlib.sha256(statement.encode()).hexdigest()[:12]}"


def keep(conn: psycopg.Connection, layer: TileLayer, statement: str, park: dict, z: int,
         x: int, y: int, data: bytes, limit_bytes: int) -> None:
    """Keep a tile made from the park's data version as of park["day"]; forget the park's
    older versions and, beyond `limit_bytes` in all, the tiles made longest ago."""
    queries().tiles.keep(conn, park_id=park["id"], version=park["version"], layer=layer.name,
                         variant=variant(layer, statement), z=z, x=x, y=y, as_of=park["day"],
                         tile=data, limit_bytes=limit_bytes)
