"""JSON API /api/v1: the park's layers as RFC 7946 GeoJSON (EPSG:4326), and plot edits.

Routes are one line: parse the request, call one domain function. Errors are JSON
{"error": {"code", "message"}} with their HTTP status (see web.py's handlers).
"""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, request, url_for

from . import (
    exporters,
    geojson,
    networks,
    openapi,
    parks,
    plots,
    projects,
    readiness,
    requisition,
    roads,
    status,
    zones,
)
from .auth import access
from .errors import BadRequest
from .web_db import get_db

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _page() -> geojson.Page:
    return geojson.parse_page(request.args.get("limit"), request.args.get("offset"))


def _bbox():
    return geojson.parse_bbox(request.args.get("bbox"))


def _park() -> int | None:
    """?park= as a park id or code; None means every park."""
    value = request.args.get("park")
    if not value:
        return None
    if value.isascii() and value.isdigit():
        return parks.check_id(int(value))
    return parks.resolve(get_db(), value)


def _next_href(offset: int) -> str:
    args = {**request.args.to_dict(), "offset": offset}
    return url_for(request.endpoint, **request.view_args, **args)


def _arg(name: str) -> str | None:
    return request.args.get(name) or None


def _as_of():
    return status.parse_as_of(request.args.get("as_of"))


def _bool(name: str) -> bool | None:
    value = request.args.get(name)
    if value in (None, ""):
        return None
    if value.lower() not in ("true", "false", "1", "0"):
        raise BadRequest(f"{name} must be true or false, not {value!r}")
    return value.lower() in ("true", "1")


def _park_required() -> int:
    """?park= for endpoints about one park; the first park when absent."""
    return _park() or parks.resolve(get_db())


def _edit() -> tuple[int, dict, dict | None]:
    """version (body or If-Match), properties and geometry of an edit request."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("send a JSON object {\"version\": n, \"properties\": {...}}")
    version = body.get("version", request.headers.get("If-Match", "").strip('"') or None)
    try:
        version = int(version)
    except (TypeError, ValueError) as exc:
        raise BadRequest("an edit needs the version you read (\"version\" or If-Match)") from exc
    props = body.get("properties") or {}
    if not isinstance(props, dict):
        raise BadRequest("properties must be a JSON object")
    return version, props, body.get("geometry")


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("send a JSON object")
    return body


def _version(body: dict | None = None) -> int:
    """The row version the client read: "version" in the body, or an If-Match header."""
    body = body if body is not None else (request.get_json(silent=True) or {})
    version = body.get("version") if isinstance(body, dict) else None
    version = version if version is not None else (
        request.headers.get("If-Match", "").strip('"') or None)
    try:
        return int(version)
    except (TypeError, ValueError) as exc:
        raise BadRequest("an edit needs the version you read (\"version\" or If-Match)") from exc


def _int_arg(name: str) -> int | None:
    value = request.args.get(name)
    if value in (None, ""):
        return None
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) <= parks.MAX_ID:
        raise BadRequest(f"{name} must be a positive whole number, not {value!r}")
    return int(value)


def _download(result, fmt: str) -> Response:
    """An export as a file download (RFC 6266 name, also in UTF-8)."""
    options = {k: v for k in ("lang", "encoding") if (v := request.args.get(k))}
    data = exporters.export(result, fmt, **options)
    name = exporters.filename(result, fmt)
    content_type = exporters.get_format(fmt).media_type
    if content_type.startswith("text/"):  # Flask would say utf-8; the TXT is GBK by default
        gbk = fmt == "txt" and options.get("encoding", "gbk").strip().lower() == "gbk"
        content_type += "; charset=" + ("gbk" if gbk else "utf-8")
    return Response(data, content_type=content_type, headers={
        "Content-Disposition": f"attachment; filename=\"{name}\"",
        "Cache-Control": "no-store"})


def geo(data: dict, status: int = 200):
    """A GeoJSON response."""
    response = jsonify(data)
    response.status_code = status
    response.mimetype = "application/geo+json"
    return response


@bp.get("/")
@access("viewer")
def index():
    return jsonify(openapi.landing(url_for))


@bp.get("/openapi.json")
@access("public")
def openapi_document():
    return jsonify(openapi.document())


@bp.get("/parks")
@access("viewer")
def park_list():
    return geo(parks.feature_collection(get_db()))


@bp.get("/parks/<int:park_id>")
@access("viewer")
def park_detail(park_id: int):
    return geo(parks.get(get_db(), park_id))


@bp.get("/zones")
@access("viewer")
def zone_list():
    return geo(zones.search(get_db(), _park(), _bbox(), _page(), next_href=_next_href))


@bp.get("/plots")
@access("viewer")
def plot_list():
    return geo(plots.search(get_db(), _park(), _bbox(), _page(), code=_arg("code"),
                            stage=_arg("stage"), zone=_arg("zone"), flag=_arg("flag"),
                            serviced=_bool("serviced"), as_of=_as_of(), next_href=_next_href))


@bp.get("/plots/<int:plot_id>")
@access("viewer")
def plot_detail(plot_id: int):
    return geo(plots.get(get_db(), plot_id, _as_of()))


@bp.patch("/plots/<int:plot_id>")
@access("planner")
def plot_edit(plot_id: int):
    return geo(plots.update(get_db(), plot_id, *_edit()))


@bp.get("/roads")
@access("viewer")
def road_list():
    return geo(roads.search(get_db(), _park(), _bbox(), _page(), status=_arg("status"),
                            next_href=_next_href))


@bp.get("/networks")
@access("viewer")
def network_list():
    return geo(networks.search(get_db(), _park(), _bbox(), _page(), utility=_arg("utility"),
                               status=_arg("status"), next_href=_next_href))


@bp.get("/projects")
@access("viewer")
def project_list():
    return geo(projects.search(get_db(), _park(), _page(), stage=_arg("stage"),
                               next_href=_next_href))


@bp.get("/projects/<int:project_id>")
@access("viewer")
def project_detail(project_id: int):
    return geo(projects.get(get_db(), project_id))


@bp.get("/status/summary")
@access("viewer")
def status_summary():
    return jsonify(status.summary(get_db(), _park_required(), _as_of()))


@bp.get("/idle")
@access("viewer")
def idle_list():
    return jsonify(status.idle_plots(get_db(), _park_required(), _as_of()))


@bp.get("/readiness/priority")
@access("viewer")
def readiness_priority():
    return geo(readiness.priority(get_db(), _park_required(), _as_of())["collection"])


@bp.get("/plans")
@access("viewer")
def plan_list():
    return jsonify(requisition.list_plans(get_db(), _park()))


@bp.post("/plans")
@access("planner")
def plan_create():
    return jsonify(requisition.create(get_db(), _park_required(), **_plan_new(_body()))), 201


def _plan_new(body: dict) -> dict:
    return {"name": body.get("name"), "selection": body.get("selection"), "actor": g.actor}


@bp.get("/plans/<int:plan_id>")
@access("viewer")
def plan_detail(plan_id: int):
    return jsonify(requisition.get(get_db(), plan_id))


@bp.patch("/plans/<int:plan_id>")
@access("planner")
def plan_edit(plan_id: int):
    return jsonify(requisition.edit(get_db(), plan_id, _version(), **_plan_changes(_body())))


def _plan_changes(body: dict) -> dict:
    unknown = sorted(set(body) - {"version", "name", "add", "remove"})
    if unknown:
        raise BadRequest(f"a plan edit takes version, name, add and remove, not "
                         f"{', '.join(unknown)}")
    return {"name": body.get("name"), "add": body.get("add"), "remove": body.get("remove"),
            "actor": g.actor}


@bp.delete("/plans/<int:plan_id>")
@access("planner")
def plan_delete(plan_id: int):
    requisition.delete(get_db(), plan_id, _version())
    return "", 204


@bp.post("/plans/<int:plan_id>/submit")
@access("planner")
def plan_submit(plan_id: int):
    return jsonify(requisition.submit(get_db(), plan_id, _version(), g.actor))


@bp.post("/plans/<int:plan_id>/approve")
@access("admin")
def plan_approve(plan_id: int):
    return jsonify(requisition.approve(get_db(), plan_id, _version(), g.actor))


@bp.get("/plans/<int:plan_id>/plots")
@access("viewer")
def plan_plots(plan_id: int):
    return geo(requisition.plots_geojson(get_db(), plan_id, _int_arg("version")))


@bp.get("/plans/<int:plan_id>/check")
@access("viewer")
def plan_check(plan_id: int):
    return jsonify({"problems": requisition.check(get_db(), plan_id, _int_arg("version"))})


@bp.get("/plans/<int:plan_id>/result")
@access("viewer")
def plan_result(plan_id: int):
    return jsonify(requisition.compute(get_db(), plan_id, _int_arg("version")).summary())


@bp.get("/plans/<int:plan_id>/export")
@access("viewer")
def plan_export(plan_id: int):
    return _download(requisition.compute(get_db(), plan_id, _int_arg("version")),
                     request.args.get("format", ""))


@bp.get("/parks/<int:park_id>/compensation-rates")
@access("viewer")
def rate_list(park_id: int):
    return jsonify(requisition.rates(get_db(), parks.check_id(park_id)))


@bp.patch("/compensation-rates/<int:rate_id>")
@access("admin")
def rate_edit(rate_id: int):
    body = _body()
    return jsonify(requisition.update_rate(get_db(), rate_id, _version(body),
                                           body.get("rates") or {}))
