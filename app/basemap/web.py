"""Basemap routes (thin): the package's tiles (MBTiles or PMTiles) at /basemap/<z>/<x>/<y>
and its TileJSON at /basemap/tilejson.json, read as the map reads any layer (access level
guest: the map of every role draws on it). A tile the package lacks is an empty 204; no
package configured is a JSON 404. Tiles are cached by the browser for a day (private:
behind the login)."""

from __future__ import annotations

import sqlite3

from flask import Blueprint, current_app, jsonify, make_response, url_for

from ..auth import access
from ..errors import NotFound
from . import archive

bp = Blueprint("basemap", __name__, url_prefix="/basemap")
CACHE = "private, max-age=86400"


@bp.get("/<int:z>/<int:x>/<int:y>")
@access("guest")
def tile(z: int, x: int, y: int):
    return _tile(archive.tile(current_app.config["BASEMAP"], z, x, y))


@bp.get("/tilejson.json")
@access("guest")
def tilejson():
    return jsonify(_tilejson(archive.metadata(current_app.config["BASEMAP"])))


def _tile(found: archive.Tile | None):
    if found is None:
        response = make_response("", 204)
    else:
        response = make_response(found.data)
        response.content_type = found.content_type
        if found.encoding:
            response.headers["Content-Encoding"] = found.encoding
    response.headers["Cache-Control"] = CACHE
    return response


def _tilejson(meta: dict) -> dict:
    """TileJSON 3.0.0 of the package, its tiles URL on this server."""
    url = url_for("basemap.tile", z=0, x=0, y=0, _external=True).removesuffix("/0/0/0")
    doc = {"tilejson": "3.0.0", "name": meta.get("name") or "basemap",
           "tiles": [url + "/{z}/{x}/{y}"], "scheme": "xyz", "format": meta["format"],
           "minzoom": meta["minzoom"], "maxzoom": meta["maxzoom"],
           "vector": meta["format"] == "pbf"}
    for key in ("bounds", "attribution", "description"):
        if meta.get(key):
            doc[key] = meta[key]
    return doc


def local(url: str) -> dict | None:
    """The map's switcher entry of a raster package (`url`: its tiles, {z}/{x}/{y}); None
    without a package, or for a vector one (the switcher draws raster tiles)."""
    path = current_app.config.get("BASEMAP")
    if not path:
        return None
    try:
        meta = archive.metadata(path)
    except (NotFound, OSError, sqlite3.Error):  # a package gone missing: the map still works
        current_app.logger.warning("offline basemap %s cannot be read", path)
        return None
    if meta["format"] == "pbf":
        return None
    return {"url": url, "maxzoom": meta["maxzoom"], "attribution": meta.get("attribution")}
