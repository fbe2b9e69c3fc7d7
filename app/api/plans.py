"""Land-requisition plans (征地方案): versions, checks, results and exports; rate tables."""

from __future__ import annotations

from flask import Response, g, jsonify, request
from flask_babel import gettext

from .. import exporters, params, requisition, schemas
from ..auth import access, request_role
from ..errors import localized
from ..web_db import get_db
from . import body, bp, geo, park, version


def _version_arg() -> int | None:
    return params.whole_number("version", request.args.get("version"))


@bp.get("/plans")
@access("viewer")
def plan_list():
    return jsonify(requisition.list_plans(get_db(), park(), request_role()))


@bp.post("/plans")
@access("planner")
def plan_create():
    data = body(schemas.PLAN_CREATE)
    return jsonify(localized(requisition.create(get_db(), park(required=True),
                                                **_plan_new(data)), gettext)), 201


def _plan_new(data: dict) -> dict:
    return {"name": data.get("name"), "selection": data.get("selection"), "actor": g.actor}


@bp.get("/plans/<int:plan_id>")
@access("viewer")
def plan_detail(plan_id: int):
    return jsonify(requisition.get(get_db(), plan_id, request_role()))


@bp.patch("/plans/<int:plan_id>")
@access("planner")
def plan_edit(plan_id: int):
    data = body(schemas.PLAN_EDIT)
    return jsonify(localized(requisition.edit(get_db(), plan_id, version(data),
                                              **_plan_changes(data)), gettext))


def _plan_changes(data: dict) -> dict:
    return {"name": data.get("name"), "add": data.get("add"), "remove": data.get("remove"),
            "actor": g.actor}


@bp.delete("/plans/<int:plan_id>")
@access("planner")
def plan_delete(plan_id: int):
    requisition.delete(get_db(), plan_id, version())
    return "", 204


@bp.post("/plans/<int:plan_id>/submit")
@access("planner")
def plan_submit(plan_id: int):
    return jsonify(requisition.submit(get_db(), plan_id, version(), g.actor))


@bp.post("/plans/<int:plan_id>/versions")
@access("planner")
def plan_new_version(plan_id: int):
    return jsonify(localized(requisition.new_version(get_db(), plan_id, version(), g.actor),
                             gettext)), 201


@bp.post("/plans/<int:plan_id>/approve")
@access("admin")
def plan_approve(plan_id: int):
    return jsonify(requisition.approve(get_db(), plan_id, version(), g.actor))


@bp.get("/plans/<int:plan_id>/plots")
@access("viewer")
def plan_plots(plan_id: int):
    return geo(requisition.plots_geojson(get_db(), plan_id, _version_arg(), request_role()))


@bp.get("/plans/<int:plan_id>/check")
@access("viewer")
def plan_check(plan_id: int):
    return jsonify({"problems": localized(requisition.check(
        get_db(), plan_id, _version_arg(), request_role()), gettext)})


@bp.get("/plans/<int:plan_id>/result")
@access("viewer")
def plan_result(plan_id: int):
    return jsonify(requisition.summary(get_db(), _result(plan_id), request_role()))


@bp.get("/plans/<int:plan_id>/export")
@access("viewer")
def plan_export(plan_id: int):
    return _download(_result(plan_id), request.args.get("format", ""))


def _result(plan_id: int):
    return requisition.compute(get_db(), plan_id, _version_arg(), role=request_role())


def _download(result, fmt: str) -> Response:
    """An export as a file download, named by the plan (RFC 6266: an ASCII `filename` and
    the plan's name in `filename*`)."""
    options = params.export_options(request.args)
    content_type = exporters.media_type(fmt, options)
    fmt = requisition.export_format(get_db(), result, fmt, request_role())
    data = exporters.export(result, fmt, **options)
    return Response(data, content_type=content_type, headers={
        "Content-Disposition": exporters.content_disposition(result, fmt,
                                                             options.get("lang", "zh")),
        "Cache-Control": "no-store"})


@bp.get("/parks/<int:park_id>/compensation-rates")
@access("viewer")
def rate_list(park_id: int):
    return jsonify(requisition.rates(get_db(), params.park_id(park_id), request_role()))


@bp.patch("/compensation-rates/<int:rate_id>")
@access("admin")
def rate_edit(rate_id: int):
    data = body(schemas.RATE_EDIT)
    return jsonify(requisition.update_rate(get_db(), rate_id, version(data),
                                           data.get("rates") or {}))
