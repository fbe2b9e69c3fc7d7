"""RFC 7946 GeoJSON output: features, collections and pages of them."""

from __future__ import annotations

import json


def feature(row: dict) -> dict:
    """A Feature from a row with id, geometry (GeoJSON object) and properties."""
    return {"type": "Feature", "id": row["id"], "geometry": row["geometry"],
            "properties": row["properties"]}


def collection(rows: list[dict]) -> dict:
    """A FeatureCollection of rows with id, geometry and properties."""
    return {"type": "FeatureCollection", "features": [feature(r) for r in rows]}


def page_json(result: dict, links: list[dict]) -> str:
    """A FeatureCollection of one page of a layer search (its features as JSON text,
    `returned` of them, and `matched`), with numberMatched, numberReturned and the paging
    links, as JSON text."""
    return with_features({"type": "FeatureCollection", "numberMatched": result["matched"],
                          "numberReturned": result["returned"], "links": links},
                         result["features"])


def with_features(doc: dict, features: str) -> str:
    """The JSON text of a FeatureCollection document and its features' JSON text (the
    database's, passed on as is)."""
    return json.dumps(doc, ensure_ascii=False)[:-1] + ', "features": ' + \
        features + "}"
