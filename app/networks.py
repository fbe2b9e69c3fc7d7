"""Utility networks: water, drainage, power, telecom, gas and heat lines and facilities."""

from __future__ import annotations

import psycopg

from . import geojson, labels
from .db import queries
from .errors import BadRequest
from .roads import check_status

UTILITIES = tuple(labels.UTILITIES)


def search(conn: psycopg.Connection, park_id: int | None, bbox, page: geojson.Page,
           utility: str | None = None, status: str | None = None, next_href=None) -> dict:
    """Network features as a paged FeatureCollection."""
    if utility is not None and utility not in UTILITIES:
        raise BadRequest(f"utility must be one of {', '.join(UTILITIES)}, not {utility!r}")
    check_status(status)
    result = queries().networks.search(
        conn, park_id=park_id, **geojson.bbox_params(bbox), utility=utility, status=status,
        limit=page.limit, offset=page.offset)
    return geojson.page_of(result, page, next_href)
