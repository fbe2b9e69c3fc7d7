"""Functional zones of a park and the industries each admits."""

from __future__ import annotations

import psycopg

from . import geojson
from .db import queries


def search(conn: psycopg.Connection, park_id: int | None, bbox, page: geojson.Page,
           next_href=None) -> dict:
    """Zones as a paged FeatureCollection."""
    result = queries().zones.search(conn, park_id=park_id, **geojson.bbox_params(bbox),
                                       limit=page.limit, offset=page.offset)
    return geojson.page_of(result, page, next_href)
