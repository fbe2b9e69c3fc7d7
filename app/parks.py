"""Parks: the unit every layer belongs to, with its Gauss-Krüger CRS and settings."""

from __future__ import annotations

import psycopg

from . import geojson
from .db import queries
from .errors import NO_PARK, NotFound, Text
from .labels import N_


def feature_collection(conn: psycopg.Connection) -> dict:
    """Every park as a Feature (geometry: extent of its zones and plots)."""
    return geojson.collection(list(queries().parks.features(conn, id=None)))


def get(conn: psycopg.Connection, park_id: int) -> dict:
    """One park Feature with its settings (defaults filled in)."""
    rows = list(queries().parks.features(conn, id=park_id))
    if not rows:
        raise NotFound(Text(NO_PARK, id=park_id))
    feature = geojson.feature(rows[0])
    feature["properties"]["settings"] = queries().parks.settings(conn, id=park_id)
    return feature


def plot_count(conn: psycopg.Connection, park_id: int) -> int:
    """How many plots the park has."""
    return queries().parks.plot_count(conn, park=park_id)


def resolve(conn: psycopg.Connection, code: str | None = None) -> int:
    """A park id by code, or the first park when no code is given."""
    if code:
        row = queries().parks.by_code(conn, code=code)
        if row is None:
            raise NotFound(Text(N_("no park with code %(code)s"), code=code))
        return row["id"]
    park_id = queries().parks.first_id(conn)
    if park_id is None:
        raise NotFound(Text(N_("no park is loaded yet (run: parkatlas load-demo)")))
    return park_id
