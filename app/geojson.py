"""RFC 7946 GeoJSON output: features, collections and pages of them."""

from __future__ import annotations


def feature(row: dict) -> dict:
    """A Feature from a row with id, geometry (GeoJSON object) and properties."""
    return {"type": "Feature", "id": row["id"], "geometry": row["geometry"],
            "properties": row["properties"]}


def collection(rows: list[dict]) -> dict:
    """A FeatureCollection of rows with id, geometry and properties."""
    return {"type": "FeatureCollection", "features": [feature(r) for r in rows]}


def page(result: dict) -> dict:
    """A FeatureCollection of one page of a layer search ({features, matched}), with
    numberMatched and numberReturned; the web layer adds the paging links."""
    features = result["features"]
    return {"type": "FeatureCollection", "features": features,
            "numberMatched": result["matched"], "numberReturned": len(features), "links": []}
