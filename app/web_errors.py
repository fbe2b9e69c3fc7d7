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

from .errors import AtlasError, BadRequest, PayloadTooLarge, Unauthorized, from_database
from .web_db import DatabaseUnavailable, is_outage


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def handle_atlas_error(exc: AtlasError):
    """An AtlasError as JSON for the API, as a page (or a login redirect) otherwise."""
    exc.localize(gettext)
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
    return handle_atlas_error(BadRequest(f"CSRF check failed: {exc.description}",
                                         code="csrf_failed"))


def init_app(app) -> None:
    app.register_error_handler(AtlasError, handle_atlas_error)
    app.register_error_handler(DatabaseUnavailable, handle_unavailable)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(psycopg.Error, handle_database_error)
