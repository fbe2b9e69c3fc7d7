"""The 亩均效益 page (thin routes): /evaluation, the ranked table of a kept year with its
filters, class totals, a firm's classes over the years and the park map coloured by class
(static/js/parkatlas-evaluation.js, from /api/v1/evaluation); its XLSX export; and the
form that evaluates a year anew (planners and admins; audited)."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, flash, render_template, request, url_for
from flask_babel import gettext

from .. import params, parks
from ..auth import access, request_can
from ..i18n import current_language
from ..web import acting, map_page
from ..web_db import get_db
from ..web_projects import filter_options
from . import evaluation, export

bp = Blueprint("evaluation", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/evaluation")
@access("viewer")
def evaluation_page():
    return render_template("evaluation.html", **_context(request.args))


@bp.get("/evaluation/export")
@access("viewer")
def evaluation_export():
    return _export(request.args)


@bp.post("/evaluation")
@access("planner")
def evaluation_run():
    park = request.form.get("park")
    year = params.year(request.form.get("year"), required=True)
    back = url_for("evaluation.evaluation_page", park=park, year=year)
    return acting(lambda: evaluation.keep(
        get_db(), params.park(get_db(), park, required=True), year)
        and (flash(gettext("Evaluated."), "info") or back), back)


def _context(args) -> dict:
    conn = get_db()
    page = map_page(args.get("park"), editing=False)
    park_id = page["park"]["id"]
    filters = params.evaluation(args)
    enterprise = params.enterprise(args)
    options = filter_options(conn, park_id, current_language())
    return {**page, "filters": filters, "found": evaluation.ranked(conn, park_id, filters),
            "trend": evaluation.trend(conn, park_id, enterprise) if enterprise else None,
            "enterprise": enterprise, "figures": evaluation.FIGURES,
            "classes": evaluation.CLASSES, "methods": evaluation.METHODS,
            "zone_options": options["zone_options"],
            "industry_options": options["industry_options"],
            "can_run": request_can("planner"), "cells": export.cells,
            "lang": current_language(), "args": {k: v for k, v in args.items() if v}}


def _export(args):
    conn = get_db()
    park = parks.get(conn, params.park(conn, args.get("park"), required=True))["properties"]
    found = evaluation.ranked(conn, park["id"], params.evaluation(args))
    lang = current_language()
    ascii_name, local = export.file_name(park, found["year"], lang)
    return export.workbook(park, found, lang), 200, {
        "Content-Type": XLSX,
        "Content-Disposition": f'attachment; filename="{ascii_name}"; '
                               f"filename*=UTF-8''{quote(local)}"}
