"""OGC API Features at /ogc (issue 14 item 3): one-line routes over app.ogc, each answering
JSON for machines and an HTML page for people (f=json|html, else the Accept header).

Who may read what follows the API: a guest reads the guest variant of a layer, a viewer a
plan as of its last approved version; a desktop client authenticates with a Bearer token
or HTTP Basic with the token as the password (app.auth).
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from flask import Blueprint, jsonify, make_response, render_template, request, url_for
from flask_babel import gettext

from . import geojson, params
from .api import compress_and_tag
from .auth import access, request_role
from .errors import localized
from .i18n import current_language
from .ogc import collections, documents, items
from .web_db import get_db

bp = Blueprint("ogc", __name__, url_prefix="/ogc")
FEATURES = "application/geo+json"
# as the API's GeoJSON: gzipped to a client that accepts it (a page of 1 000 plots is 1 MB,
# 0.1 MB gzipped), a strong ETag and 304 for If-None-Match
bp.after_request(compress_and_tag)


def prefers_html() -> bool:
    """Whether the Accept header prefers a page to JSON (a browser does; GDAL does not)."""
    best = request.accept_mimetypes.best_match(["application/json", FEATURES, "text/html"])
    return best == "text/html"


def is_ogc_request() -> bool:
    return request.blueprint == "ogc" or request.path.startswith("/ogc")


def wants_json() -> bool:
    """Whether an /ogc request (or its error) is answered in JSON."""
    return request.args.get("f") == "json" or (request.args.get("f") != "html"
                                                and not prefers_html())


def _base() -> str:
    return url_for("ogc.landing", _external=True).rstrip("/")


def _park_query() -> str:
    """The park parameter that every link carries on, as a query string."""
    park = request.args.get("park")
    return "?" + urlencode({"park": park}) if park else ""


def _href(**changes) -> str:
    """This request's URL with some query parameters changed (None: left out)."""
    args = {**request.args.to_dict(), **changes}
    return url_for(request.endpoint, _external=True, **request.view_args,
                   **{k: v for k, v in args.items() if v is not None})


def _parks():
    return documents.Parks(get_db(), params.park(get_db(), request.args.get("park")))


def _collection(collection_id: str):
    return collections.get(get_db(), collection_id, request_role())


def _answer(kind: str, doc: dict, json_type: str = "application/json", crs: str | None = None,
            **page):
    """The document as JSON or as the page `ogc.html` shows it, in the user's language."""
    doc = localized(doc, gettext)
    if params.ogc_format(request.args.get("f"), prefers_html()) == "html":
        response = make_response(render_template(
            "ogc.html", kind=kind, doc=doc, shown=_shown, table=_table, json_href=_href(f="json"),
            **page))
    else:
        response = jsonify(doc)
        response.mimetype = json_type
    if crs:
        response.headers["Content-Crs"] = f"<{crs}>"
    response.vary.add("Accept")
    return response


def _table(features: list[dict]) -> tuple[list[str], list[list]]:
    """The columns and rows of a page of features, in the page's language."""
    return documents.shown_table(features, current_language(), gettext)


def _shown(properties: dict) -> list[tuple[str, object]]:
    """The properties a page shows, in the page's language (the JSON has them all)."""
    return documents.shown_properties(properties, current_language(), gettext)


@bp.get("")
@access("guest")
def landing():
    return _answer("landing", documents.landing(_base(), _park_query()))


@bp.get("/conformance")
@access("guest")
def conformance():
    return _answer("conformance", documents.conformance())


@bp.get("/collections")
@access("guest")
def collection_list():
    return _answer("collections", documents.collections(
        _base(), collections.listed(get_db(), params.park(get_db(), request.args.get("park")),
                                    request_role()), _parks(), _park_query()))


@bp.get("/collections/<collection_id>")
@access("guest")
def collection(collection_id: str):
    return _answer("collection", documents.collection(
        _base(), _collection(collection_id), _parks(), _park_query()))


@bp.get("/collections/<collection_id>/queryables")
@access("guest")
def queryables(collection_id: str):
    return _answer("queryables", documents.queryables(_base(), _collection(collection_id)),
                   "application/schema+json")


@bp.get("/collections/<collection_id>/items")
@access("guest")
def item_list(collection_id: str):
    return _items(_collection(collection_id))


@bp.get("/collections/<collection_id>/items/<int:feature_id>")
@access("guest")
def item(collection_id: str, feature_id: int):
    return _item(_collection(collection_id), feature_id)


def _query(collection):
    return params.ogc_query(get_db(), request.args, collection, _parks().gk_srids)


def _items(collection):
    query = _query(collection)
    found = items.page(get_db(), collection, query)
    links = [*documents.alternates(_href(f=None), FEATURES),
             documents.link(f"{_base()}/collections/{collection.id}{_park_query()}",
                            "collection", "application/json")]
    if found["next_after"] is not None:
        links.append(documents.link(_href(after=found["next_after"], before=None),
                                    "next", FEATURES))
    if found["prev_before"] is not None:
        links.append(documents.link(_href(before=found["prev_before"], after=None),
                                    "prev", FEATURES))
    doc = {"type": "FeatureCollection", "numberMatched": found["matched"],
           "numberReturned": found["returned"], "links": links}
    if params.ogc_format(request.args.get("f"), prefers_html()) == "json":
        return _features_json(doc, found["features"], query.crs.uri)
    return _answer("items", {**doc, "features": json.loads(found["features"])}, FEATURES,
                   query.crs.uri, collection=collection,
                   title=localized(collection.title, gettext),
                   links={link["rel"]: link["href"] for link in links})


def _features_json(doc: dict, features: str, crs: str):
    """A FeatureCollection whose features are the database's JSON text, passed on as is."""
    response = make_response(geojson.with_features(doc, features))
    response.mimetype = FEATURES
    response.headers["Content-Crs"] = f"<{crs}>"
    response.vary.add("Accept")
    return response


def _item(collection, feature_id: int):
    query = _query(collection)
    feature = items.item(get_db(), collection, feature_id, query)
    feature["links"] = [
        *documents.alternates(_href(f=None), FEATURES),
        documents.link(f"{_base()}/collections/{collection.id}{_park_query()}",
                       "collection", "application/json")]
    return _answer("item", feature, FEATURES, query.crs.uri, collection=collection,
                   title=localized(collection.title, gettext))

