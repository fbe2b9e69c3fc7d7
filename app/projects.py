"""Investment projects, the plots they occupy, their milestones and progress."""

from __future__ import annotations

import psycopg

from . import geojson, labels
from .db import queries
from .errors import BadRequest, NotFound

STAGES = tuple(labels.PROJECT_STAGES)


def search(conn: psycopg.Connection, park_id: int | None, page: geojson.Page,
           stage: str | None = None, next_href=None) -> dict:
    """Projects as a paged FeatureCollection (geometry: their plots)."""
    if stage is not None and stage not in STAGES:
        raise BadRequest(f"stage must be one of {', '.join(STAGES)}, not {stage!r}")
    result = queries().projects.search(conn, park_id=park_id, stage=stage,
                                          limit=page.limit, offset=page.offset)
    return geojson.page_of(result, page, next_href)


def get(conn: psycopg.Connection, project_id: int) -> dict:
    """One project Feature with milestones and progress reports."""
    row = queries().projects.get(conn, id=project_id)
    if row is None:
        raise NotFound(f"no project with id {project_id}")
    return geojson.feature(row)
