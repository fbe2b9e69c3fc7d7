"""The one place errors become responses: JSON for the API, a page (or the login) else.

Domain errors (app.errors) carry their HTTP status; Werkzeug's HTTP errors, CSRF
failures and database errors caused by bad input are put in the same shape.
"""

from __future__ import annotations

import psycopg
from flask import current_app, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from . import web_ogc
from .errors import (
    AtlasError,
    BadRequest,
    PayloadTooLarge,
    Text,
    Unauthorized,
    from_database,
)
from .labels import N_
from .web_db import DatabaseUnavailable, is_outage


def _wants_json() -> bool:
    """JSON for the API, the vector tiles and the basemap, and for OGC API Features unless
    a page is asked for."""
    return request.path.startswith(("/api/", "/tiles/", "/basemap/")) or (
        web_ogc.is_ogc_request() and web_ogc.wants_json())


# A token goes as Bearer or as the password of HTTP Basic (app.auth): OGC API clients
# (QGIS, GDAL, ArcGIS) are told Basic, the one scheme they can all answer.
CHALLENGES = {"api": 'Bearer realm="parkatlas", Basic realm="ParkAtlas"',
              "ogc": 'Basic realm="ParkAtlas"'}


def handle_atlas_error(exc: AtlasError):
    """An AtlasError as JSON for the API, as a page (or a login redirect) otherwise."""
    exc.localize(gettext)
    if _wants_json():
        response = jsonify(exc.to_dict())
        response.status_code = exc.status
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = CHALLENGES[
                "ogc" if web_ogc.is_ogc_request() else "api"]
        if getattr(exc, "retry_after", None):  # e.g. an answer being computed (app.answers)
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, Unauthorized):
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    response = make_response(render_template("error.html", error=exc), exc.status)
    if getattr(exc, "retry_after", None):  # the page reloads itself then (error.html)
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


# Werkzeug's own texts are English: these say the same in the catalogue's words.
HTTP_MESSAGES = {
    400: N_("The request could not be understood."),
    401: N_("Please log in."),
    403: N_("You may not open this page."),
    404: N_("There is nothing at this address. Check the link, or go back to the map."),
    405: N_("This address does not answer to %(method)s."),
    406: N_("This address cannot answer in the format asked for."),
    408: N_("The request took too long; try again."),
    409: N_("The request conflicts with the current state; reload and try again."),
    410: N_("This address is gone."),
    415: N_("This kind of content is not accepted here."),
    429: N_("Too many requests; wait a moment and try again."),
}
OTHER_HTTP_ERROR = N_("The request could not be completed (HTTP %(status)s).")


def handle_http_error(exc: HTTPException):
    """Werkzeug's HTTP errors (404, 405, 413 …) in the same shape as domain errors, in the
    user's language; the code stays Werkzeug's name (not_found, method_not_allowed)."""
    if exc.code == 413:
        limit = request.max_content_length // (1024 * 1024)  # the route's own, else the app's
        return handle_atlas_error(PayloadTooLarge(
            Text(N_("the upload exceeds the %(limit)s MB limit"), limit=limit)))
    message = HTTP_MESSAGES.get(exc.code or 500, OTHER_HTTP_ERROR)
    error = AtlasError(Text(message, method=request.method, status=exc.code),
                       code=exc.name.lower().replace(" ", "_"))
    error.status = exc.code or 500
    response = handle_atlas_error(error)
    if getattr(exc, "valid_methods", None):  # a 405 must say what is allowed (RFC 9110)
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def handle_database_error(exc: psycopg.Error):
    """Bad input the database caught (e.g. a number out of range) is a 400, not a 500; a
    connection lost in the middle of a request is the 503 of an outage."""
    if is_outage(exc):
        current_app.extensions["parkatlas_outage"].failed(exc)
        return handle_unavailable(DatabaseUnavailable())
    domain = from_database(exc)
    if domain is None:
        raise exc
    return handle_atlas_error(domain)


def handle_unavailable(exc: DatabaseUnavailable):
    """503 with Retry-After. The page stands alone: base.html would ask the database who
    is logged in."""
    exc.localize(gettext)
    if _wants_json():
        response = jsonify(exc.to_dict())
    else:
        # Rendered without the context processors: Flask-Login's would load the user.
        page = current_app.jinja_env.get_template("unavailable.html")
        response = make_response(page.render(error=exc, request=request))
    response.status_code = exc.status
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def handle_csrf_error(exc: CSRFError):
    return handle_atlas_error(BadRequest(Text(N_(
        "The form has expired or did not come from this site (CSRF check). Reload the "
        "page and try again.")), code="csrf_failed"))


def init_app(app) -> None:
    app.register_error_handler(AtlasError, handle_atlas_error)
    app.register_error_handler(DatabaseUnavailable, handle_unavailable)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(psycopg.Error, handle_database_error)
