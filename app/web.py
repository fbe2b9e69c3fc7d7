"""Web pages (the map, a plot's page) and the error handlers for pages and the API."""

from __future__ import annotations

import psycopg
from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from . import labels, maps, parks, plots, status
from .auth import access
from .db import get_db
from .errors import AtlasError, BadRequest, PayloadTooLarge, Unauthorized, from_database
from .i18n import current_language

bp = Blueprint("web", __name__)


def map_page(park_code: str | None) -> dict:
    """What the map template needs: the park and the rendered Folium parts."""
    conn = get_db()
    park = parks.get(conn, parks.resolve(conn, park_code))
    props = park["properties"]
    map_parts = maps.render_park_map(
        park={"id": props["id"], "code": props["code"], "bbox": props["bbox"],
              "name": props["name"] if current_language() == "zh" else
              (props["name_en"] or props["name"])},
        layers_config={"api": url_for("api.index").rstrip("/"), "lang": current_language(),
                       "login": url_for("auth.login"),
                       "plot_page": url_for("web.index") + "plots/"},
        messages=maps.map_messages(gettext),
        static_url=lambda filename: url_for("static", filename=filename),
        basemaps={"tianditu_key": current_app.config.get("TIANDITU_KEY")})
    return {"park": props, "map": map_parts}


@bp.get("/")
@access("viewer")
def index():
    return render_template("map.html", **map_page(request.args.get("park")))


def park_page(park_code: str | None) -> dict:
    """What a park's status page needs: the park and the UI strings its JS uses."""
    conn = get_db()
    return {"park": parks.get(conn, parks.resolve(conn, park_code))["properties"],
            "messages": maps.map_messages(gettext)}


@bp.get("/idle")
@access("viewer")
def idle_page():
    return render_template("idle.html", **park_page(request.args.get("park")))


@bp.get("/priorities")
@access("viewer")
def priorities_page():
    return render_template("priorities.html", **map_page(request.args.get("park")))


@bp.get("/plots/<int:plot_id>")
@access("viewer")
def plot_page(plot_id: int):
    as_of = status.parse_as_of(request.args.get("as_of"))
    return render_template("plot.html", plot=plots.get(get_db(), plot_id, as_of), labels=labels,
                           stage_colours=maps.STAGE_COLOURS)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def handle_atlas_error(exc: AtlasError):
    """An AtlasError as JSON for the API, as a page (or a login redirect) otherwise."""
    if _wants_json():
        response = jsonify(exc.to_dict())
        response.status_code = exc.status
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="parkatlas"'
        return response
    if isinstance(exc, Unauthorized):
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    return render_template("error.html", error=exc), exc.status


def handle_http_error(exc: HTTPException):
    """Werkzeug's HTTP errors (404, 405, 413 …) in the same shape as domain errors."""
    if exc.code == 413:
        limit = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        return handle_atlas_error(PayloadTooLarge(f"the upload exceeds the {limit} MB limit"))
    error = AtlasError(exc.description or exc.name,
                       code=exc.name.lower().replace(" ", "_"))
    error.status = exc.code or 500
    response = handle_atlas_error(error)
    if getattr(exc, "valid_methods", None):  # a 405 must say what is allowed (RFC 9110)
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def handle_database_error(exc: psycopg.Error):
    """Bad input the database caught (e.g. a number out of range) is a 400, not a 500."""
    domain = from_database(exc)
    if domain is None:
        raise exc
    return handle_atlas_error(domain)


def handle_csrf_error(exc: CSRFError):
    return handle_atlas_error(BadRequest(f"CSRF check failed: {exc.description}",
                                         code="csrf_failed"))


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.register_error_handler(AtlasError, handle_atlas_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(psycopg.Error, handle_database_error)
