"""The API's landing page and its OpenAPI document."""

from __future__ import annotations

from flask import jsonify, url_for

from .. import openapi
from ..auth import access
from . import bp


@bp.get("/")
@access("guest")
def index():
    return jsonify(openapi.landing(url_for))


@bp.get("/openapi.json")
@access("public")
def openapi_document():
    return jsonify(openapi.document())
