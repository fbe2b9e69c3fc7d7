"""Roads: centrelines with class, width and construction status."""

from __future__ import annotations

import psycopg

from . import geojson, labels
from .db import queries
from .errors import BadRequest

STATUSES = tuple(labels.STATUSES)


def check_status(status: str | None) -> None:
    """Refuse an unknown construction status (shared by roads and networks)."""
    if status is not None and status not in STATUSES:
        raise BadRequest(f"status must be one of {', '.join(STATUSES)}, not {status!r}")


def search(conn: psycopg.Connection, park_id: int | None, bbox, page: geojson.Page,
           status: str | None = None, next_href=None) -> dict:
    """Roads as a paged FeatureCollection."""
    check_status(status)
    result = queries().roads.search(conn, park_id=park_id, **geojson.bbox_params(bbox),
                                       status=status, limit=page.limit, offset=page.offset)
    return geojson.page_of(result, page, next_href)
