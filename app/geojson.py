"""RFC 7946 GeoJSON output and the request parameters shared by the feature endpoints."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .errors import BadRequest

DEFAULT_LIMIT = 1000
MAX_LIMIT = 10000
MAX_OFFSET = 2**31 - 1


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int


def parse_page(limit: str | None, offset: str | None) -> Page:
    """limit (1–10000, default 1000) and offset (≥ 0) from query-string text."""
    try:
        lim = DEFAULT_LIMIT if limit in (None, "") else int(limit)
        off = 0 if offset in (None, "") else int(offset)
    except ValueError as exc:
        raise BadRequest("limit and offset must be whole numbers") from exc
    if not 1 <= lim <= MAX_LIMIT:
        raise BadRequest(f"limit must be between 1 and {MAX_LIMIT}")
    if not 0 <= off <= MAX_OFFSET:
        raise BadRequest(f"offset must be between 0 and {MAX_OFFSET}")
    return Page(lim, off)


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """bbox=minx,miny,maxx,maxy in longitude/latitude degrees, or None when absent."""
    if text in (None, ""):
        return None
    parts = text.split(",")
    try:
        values = tuple(float(p) for p in parts)
    except ValueError as exc:
        raise BadRequest(f"bbox must be four numbers minx,miny,maxx,maxy, not {text!r}") from exc
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise BadRequest(f"bbox must be four numbers minx,miny,maxx,maxy, not {text!r}")
    minx, miny, maxx, maxy = values
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise BadRequest("bbox must have -180 ≤ minx ≤ maxx ≤ 180 and -90 ≤ miny ≤ maxy ≤ 90")
    return values


def bbox_params(bbox) -> dict:
    """Named-query parameters for an optional bbox."""
    keys = ("minx", "miny", "maxx", "maxy")
    return dict(zip(keys, bbox or (None,) * 4, strict=True))


def feature(row: dict) -> dict:
    """A Feature from a row with id, geometry (GeoJSON object) and properties."""
    return {"type": "Feature", "id": row["id"], "geometry": row["geometry"],
            "properties": row["properties"]}


def collection(rows: list[dict]) -> dict:
    """A FeatureCollection of rows with id, geometry and properties."""
    return {"type": "FeatureCollection", "features": [feature(r) for r in rows]}


def page_of(result: dict, page: Page, next_href=None) -> dict:
    """A paged FeatureCollection from a search query's {matched, features} row.

    Adds numberMatched, numberReturned and, while more remain, a next link built by
    next_href(offset).
    """
    features = result["features"]
    fc = {"type": "FeatureCollection", "features": features,
          "numberMatched": result["matched"], "numberReturned": len(features), "links": []}
    if next_href and page.offset + len(features) < result["matched"]:
        fc["links"].append({"rel": "next", "type": "application/geo+json",
                            "href": next_href(page.offset + page.limit)})
    return fc
