"""JSON API /api/v1: the park's layers as RFC 7946 GeoJSON (EPSG:4326), plot edits,
status, readiness and requisition plans; one module per resource.

Routes are one line: parse the request (app.params), call one domain function. Errors
are JSON {"error": {"code", "message"}} with their HTTP status (see web_errors.py).
"""

from __future__ import annotations

import gzip
import hashlib

from flask import Blueprint, current_app, jsonify, request, url_for

from .. import geojson, layers, params, schemas
from ..auth import request_role
from ..web_db import get_db

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def geo(data: dict, http_status: int = 200):
    """A GeoJSON response."""
    response = jsonify(data)
    response.status_code = http_status
    response.mimetype = "application/geo+json"
    return response


GEOJSON = "application/geo+json"
COMPRESSED = ("application/json", GEOJSON)
MIN_GZIP_BYTES = 1024  # smaller bodies gain less than the header costs


@bp.after_request
def compress_and_tag(response):
    """GeoJSON answers carry a strong ETag (a hash of the body): the same If-None-Match
    gets 304 and no body. JSON and GeoJSON bodies go gzipped (level 6) to a client that
    accepts it. A small hook rather than Flask-Compress: two things to do, on one
    blueprint, and the ETag must be of the body before compression."""
    if response.status_code != 200 or response.direct_passthrough or \
            response.mimetype not in COMPRESSED:
        return response
    body = response.get_data()
    gzipped = "gzip" in request.accept_encodings and len(body) >= MIN_GZIP_BYTES
    response.vary.add("Accept-Encoding")
    if response.mimetype == GEOJSON:
        tag = hashlib.sha256(body).hexdigest()[:40]
        # the gzipped body is another representation: another strong tag
        response.set_etag(tag + "-gz" if gzipped else tag)
        if request.if_none_match.contains(tag) or request.if_none_match.contains(tag + "-gz"):
            response.set_data(b"")
            response.status_code = 304
            return response
    if gzipped:
        response.set_data(gzip.compress(body, 6))
        response.headers["Content-Encoding"] = "gzip"
    return response


def park(required: bool = False) -> int | None:
    """?park= as a park id or code; absent: every park, or the first one when required."""
    return params.park(get_db(), request.args.get("park"), required)


def as_of():
    return params.as_of(request.args.get("as_of"))


def raw_body():
    """The request's JSON body (None when empty), within the JSON body size and depth
    limits (settings MAX_JSON_BODY_MB, MAX_JSON_DEPTH)."""
    schemas.body_size(request.content_length, current_app.config["MAX_JSON_BODY_BYTES"])
    return params.json_body(request.get_data(cache=True), current_app.config["MAX_JSON_DEPTH"])


def body(schema: dict | None = None) -> dict:
    """The request's JSON object, checked against a schema of app.schemas."""
    data = params.json_object(raw_body())
    return schemas.check(schema, data) if schema is not None else data


def version(data: dict | None = None) -> int:
    """The row version the client read: "version" in the body (which may hold only that),
    or an If-Match header."""
    if data is None:
        data = raw_body()
        if data is not None:
            schemas.check(schemas.VERSION_ONLY, params.json_object(data))
    return params.version(data, request.headers.get("If-Match"))


def feature_page(name: str):
    """A page of a layer's features for the request's park, bbox, page and filters, with a
    `next` link (after= the page's last key, no offset) while more remain; as the
    request's role may see the layer (a filter or as_of that its variant lacks is refused,
    not ignored)."""
    full, args, page = layers.LAYERS[name], request.args, params.page(request.args)
    layer = layers.visible(name, request_role())
    filters = {f.name: params.boolean(args, f.name) if f.kind == "boolean"
               else params.text(args, f.name) for f in full.filters}
    result = layers.search_json(get_db(), layer, park(),
                                params.bbox(args) if layer.bbox else None, page,
                                as_of() if full.as_of else None, **filters)
    links = []
    if result["next"] is not None:  # keyset: the next page starts after this one's last key
        links.append({"rel": "next", "type": GEOJSON,
                      "href": _href(after=params.cursor_text(result["next"]), offset=None)})
    # the features' JSON text goes out as PostgreSQL wrote it (no parse and dump again)
    return current_app.response_class(geojson.page_json(result, links), mimetype=GEOJSON)


def _href(**changes) -> str:
    """This request's URL with some query parameters changed."""
    return url_for(request.endpoint, **request.view_args,
                   **{**request.args.to_dict(), **changes})


# The resources register their routes on bp (imported last: they import bp from here).
from . import (  # noqa: E402, F401
    cleanup,
    evaluation,
    features,
    imports,
    indicators,
    jobs,
    plans,
    plots,
    projects,
    root,
    status,
)
