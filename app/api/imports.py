"""Imports (issue 13, planner): upload a file, preview it with choices, commit, download
the report, cancel. The work is app.imports.run's; each route parses and calls it once."""

from __future__ import annotations

from pathlib import Path

from flask import Response, current_app, g, jsonify, request
from flask_babel import gettext

from .. import params, schemas
from ..auth import access
from ..errors import localized
from ..imports import run
from ..web_db import get_db
from . import body, bp, park


def _root():
    """The setting IMPORTS_DIR, else imports/ in the instance folder."""
    return run.root(current_app.config.get("IMPORTS_DIR")
                    or Path(current_app.instance_path) / "imports")


def _json(data: dict, status: int = 200):
    response = jsonify(localized(data, gettext))
    response.status_code = status
    return response


@bp.post("/imports")
@access("planner")
def import_start():
    return _json(run.start(get_db(), _root(), park(required=True), *params.upload(
        request.form, request.files), g.actor, params.import_choices(request.form)), 201)


import_start.body_limit = "IMPORT_MAX_BYTES"  # an upload has its own limit (app.security)


@bp.put("/imports/<int:import_id>")
@access("planner")
def import_choose(import_id: int):
    return _json(run.view(get_db(), import_id, body(schemas.IMPORT_CHOICES)))


@bp.post("/imports/<int:import_id>/commit")
@access("planner")
def import_commit(import_id: int):
    return _json(run.finish(get_db(), import_id, body(schemas.IMPORT_CHOICES)))


@bp.delete("/imports/<int:import_id>")
@access("planner")
def import_cancel(import_id: int):
    return run.cancel(get_db(), import_id) or ("", 204)


@bp.get("/imports/<int:import_id>/report.<any(xlsx, csv):fmt>")
@access("planner")
def import_report(import_id: int, fmt: str):
    return _download(run.report(get_db(), import_id), fmt, import_id)


@bp.get("/imports/<int:import_id>/report")
@access("planner")
def import_report_json(import_id: int):
    return _json(run.report(get_db(), import_id))


TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "csv": "text/csv; charset=utf-8"}


def _download(data: dict, fmt: str, import_id: int) -> Response:
    content = run.as_xlsx(data, gettext) if fmt == "xlsx" else run.as_csv(data, gettext)
    return Response(content, mimetype=TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="import-{import_id}-report.{fmt}"'})
