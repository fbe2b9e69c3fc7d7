"""Jobs (app/jobs/): a plan's export or a recompute started as a job (202 + Location),
its state and progress in the user's language, its file, the user's list."""

from __future__ import annotations

from flask import Response, g, jsonify, request, url_for
from flask_babel import gettext

from .. import exporters, params, schemas
from ..auth import access, request_role
from ..errors import localized
from ..jobs import job, worker
from ..web_db import get_db
from . import body, bp


def _link(kind: str, job_id: int) -> str:
    return url_for("api.job_result" if kind == "result" else "api.job_detail", job_id=job_id)

def _answer(data: dict):
    return localized(job.with_links(data, _link), gettext)

def _started(job_id: int):
    worker.WAKE.set()  # this process's workers start at once
    response = jsonify(_answer(job.get(get_db(), job_id, g.actor, request_role())))
    response.status_code = 202
    response.headers["Location"] = _link("job", job_id)
    return response


@bp.post("/plans/<int:plan_id>/export-jobs")
@access("viewer")
def plan_export_job(plan_id: int):
    data = body(schemas.EXPORT_JOB)
    return _started(job.start_plan_export(
        get_db(), plan_id, data["format"], params.export_options(data),
        params.whole_number("version", data.get("version")), g.actor, request_role()))

@bp.post("/recompute-jobs")
@access("admin")
def recompute_job():
    data = body(schemas.RECOMPUTE_JOB)
    return _started(job.start_recompute(
        get_db(), params.park(get_db(), data.get("park")), params.as_of(data.get("as_of")),
        g.actor, request_role()))

@bp.get("/jobs")
@access("viewer")
def job_list():
    return jsonify([_answer(j) for j in job.mine(
        get_db(), g.actor, params.whole_number("plan", request.args.get("plan")),
        request.args.get("active") == "1")])

@bp.get("/jobs/<int:job_id>")
@access("viewer")
def job_detail(job_id: int):
    return jsonify(_answer(job.get(get_db(), job_id, g.actor, request_role())))

@bp.get("/jobs/<int:job_id>/result")
@access("viewer")
def job_result(job_id: int):
    row = job.result(get_db(), job_id, g.actor, request_role())
    return Response(row["result"], content_type=row["media_type"], headers={
        "Content-Disposition": exporters.attachment(row["file_name"], row["file_ascii"]),
        "Cache-Control": "no-store"})
