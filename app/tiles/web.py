"""Tile routes (thin): the park's data version, TileJSON per layer, and the versioned tiles.

- GET /tiles/<park>/version → {"version": n}
- GET /tiles/<park>/<layer>.json → TileJSON 3.0.0, its tiles URL at the current version
- GET /tiles/<park>/<version>/<layer>/<z>/<x>/<y>.mvt[?as_of=YYYY-MM-DD] → the tile, its
  plots as of that date (the park's today when none); an old version is a 302 to the same
  tile at the current version; an empty tile is an empty 200. Made once per data version
  and date and kept (app.tiles.cache) up to PARKATLAS_TILE_CACHE_MAX_ZOOM.

Versioned tiles are immutable: `Cache-Control: private, max-age=31536000, immutable`
(private: what a tile holds depends on the reader's role), `Vary: Cookie, Authorization`
and an ETag of version, address, date and the role's variant (`If-None-Match` → 304).
Access as for the API: session or Bearer, a guest gets the guest variant, anonymous 401
unless PARKATLAS_PUBLIC_READ=1. Errors are JSON (web_errors).
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, make_response, redirect, request, url_for

from .. import params
from ..auth import access, request_role
from ..web_db import get_db
from . import layer as tile_layers
from . import tile

bp = Blueprint("tiles", __name__, url_prefix="/tiles")

IMMUTABLE = "private, max-age=31536000, immutable"
NO_STORE = "no-store"


@bp.get("/<park_code>/version")
@access("guest")
def version(park_code: str):
    return jsonify(version=tile.park_version(get_db(), park_code)["version"])


@bp.get("/<park_code>/<layer>.json")
@access("guest")
def tilejson(park_code: str, layer: str):
    return jsonify(_tilejson(park_code, layer))


@bp.get("/<park_code>/<int:data_version>/<layer>/<int:z>/<int:x>/<int:y>.mvt")
@access("guest")
def mvt(park_code: str, data_version: int, layer: str, z: int, x: int, y: int):
    return _tile(park_code, data_version, layer, z, x, y)


def _tilejson(park_code: str, name: str) -> dict:
    conn = get_db()
    park = tile.park_version(conn, park_code)
    layer = tile_layers.for_role(name, request_role())
    path = url_for("tiles.mvt", park_code=park["code"], data_version=park["version"],
                   layer=name, z=0, x=0, y=0, _external=True)
    url = path.removesuffix("/0/0/0.mvt") + "/{z}/{x}/{y}.mvt"
    return tile.tilejson(conn, park, layer, url)


def _tile(park_code: str, data_version: int, name: str, z: int, x: int, y: int):
    """The tile (kept or made now), a 302 to the current version's, or a 304 when the reader
    has it. One statement serves the tile; a reader holding an ETag is answered before any
    tile is made (a second statement makes it when the reader's is not the current one)."""
    conn = get_db()
    layer = tile_layers.for_role(name, request_role())
    as_of = params.as_of(request.args.get("as_of"))
    config = current_app.config
    keeping = {"limit_bytes": config["TILE_CACHE_MB"] * 2**20,
               "keep_to_zoom": config["TILE_CACHE_MAX_ZOOM"]}
    park = tile.fetch(conn, park_code, layer, z, x, y, as_of, version=data_version,
                      make=not request.if_none_match, **keeping)
    if park["version"] == data_version:
        tag = tile.etag(park, layer, z, x, y)
        if request.if_none_match.contains(tag):
            return _immutable(make_response("", 304), tag)
        if park["tile"] is None:  # the reader's tag is another one: make the tile now
            park = tile.fetch(conn, park_code, layer, z, x, y, park["day"],
                              version=data_version, **keeping)
    if park["version"] != data_version or park["tile"] is None:  # an older version's URL
        response = redirect(url_for("tiles.mvt", park_code=park["code"],
                                    data_version=park["version"], layer=name, z=z, x=x, y=y,
                                    **({"as_of": as_of.isoformat()} if as_of else {})))
        response.headers["Cache-Control"] = NO_STORE
        return response
    response = make_response(park["tile"].data)
    response.mimetype = tile.CONTENT_TYPE
    return _immutable(response, tag)  # the version and the date the tag was made of


def _immutable(response, tag: str):
    """A versioned tile's answer: its ETag, cached for good by the reader (private)."""
    response.set_etag(tag)
    response.headers.update({"Cache-Control": IMMUTABLE, "Vary": "Cookie, Authorization"})
    return response
