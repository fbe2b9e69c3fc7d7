"""Project pages (issue 12 item 1): the list with search, filters, sort and pages; the form
that creates or edits a project; the project page with its milestones, progress reports,
plots, flag and history, and the forms that change them. Plain HTML forms: each posts to
a route that calls one domain function (app.projects) and comes back to the page; a
refused value or a stale version comes back with its message, the form keeping what the
user typed (and, on a 409, showing what the other person saved)."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from . import clock, labels, params, parks, ui_messages
from .auth import access, request_can
from .errors import AtlasError
from .i18n import current_language
from .projects import board, milestone, progress, project, ranking, report
from .web import map_page
from .web_db import get_db

bp = Blueprint("projects", __name__)

NUMBERS = ("planned_investment", "completed_investment", "progress_pct", "investment_done")


def _park(code: str | None) -> dict:
    conn = get_db()
    return parks.get(conn, params.park(conn, code, required=True))["properties"]


@bp.get("/projects")
@access("viewer")
def project_list():
    return render_template("projects.html", **_list_context(request.args, "found",
                                                            project.search))


def _list_context(args, key: str, read) -> dict:
    """What the list and the board show: the park's projects that the query string's
    filters select, as `read(conn, park_id, query)` gives them (under `key`), and the
    filters' choices."""
    conn = get_db()
    park = _park(args.get("park"))
    query = params.project_list(args)
    lang = current_language()
    return {"park": park, "query": query, key: read(conn, park["id"], query),
            "args": {k: v for k, v in args.items() if v}, "labels": labels, "lang": lang,
            "can_edit": request_can("planner"), "flags": project.FLAGS,
            "tag_names": project.TAGS, **filter_options(conn, park["id"], lang)}


def filter_options(conn, park_id: int, lang: str) -> dict:
    """The choices of the project filters (list, ranking): (value, label) pairs."""
    found = project.choices(conn, park_id)
    name = "name_en" if lang == "en" else "name_zh"
    return {
        "stage_options": [(k, gettext(v)) for k, v in labels.PROJECT_STAGES.items()],
        "flag_options": [(k, gettext(v)) for k, v in project.FLAGS.items()],
        "zone_options": [(z["code"], _zone_label(z, lang)) for z in found["zones"]],
        "industry_options": [(i["code"], f'{i["code"]} {i[name]}') for i in found["industries"]],
        "leader_options": [(x, x) for x in found["leaders"]],
        "official_options": [(x, x) for x in found["service_officials"]],
        "tag_options": [(t, gettext(project.TAGS[t]) if t in project.TAGS else t)
                        for t in found["tags"]]}


def _zone_label(zone: dict, lang: str) -> str:
    return f'{zone["code"]} {labels.local_name(zone, lang)}'


@bp.get("/projects/new")
@access("planner")
def project_new():
    return _form(None, {"tags": [], "stage": "negotiating"})


@bp.post("/projects/new")
@access("planner")
def project_create():
    park = _park(request.form.get("park"))
    values = _form_values()
    values.pop("park", None)
    try:
        pid = project.create(get_db(), park["id"], {"properties": values})
    except AtlasError as exc:
        return _form(None, values, error=exc)
    return redirect(url_for("projects.project_page", project_id=pid))


@bp.get("/projects/<int:project_id>/edit")
@access("planner")
def project_edit(project_id: int):
    return _form(project.get(get_db(), project_id), None)


@bp.post("/projects/<int:project_id>/edit")
@access("planner")
def project_save(project_id: int):
    values = _form_values()
    try:
        project.update(get_db(), project_id, params.form_version(request.form),
                       {"properties": values})
    except AtlasError as exc:
        return _form(project.get(get_db(), project_id), values, error=exc)
    flash(gettext("Saved."), "info")
    return redirect(url_for("projects.project_page", project_id=project_id))


@bp.post("/projects/<int:project_id>/delete")
@access("admin")
def project_remove(project_id: int):
    return _acting(lambda: project.delete(get_db(), project_id, params.form_version(
        request.form)) or url_for("projects.project_list"), project_id)


def _form_values() -> dict:
    return params.record_form(request.form, numbers=NUMBERS, whole=("zone_id",),
                              lists=("tags",))


def _form(found: dict | None, values: dict | None, error: AtlasError | None = None):
    """The create or edit form: the project's values (or what the user typed), and the
    refusal: its message, the field it names, and on a 409 the values saved meanwhile."""
    conn = get_db()
    park = _park(request.values.get("park")) if found is None else \
        parks.get(conn, found["park_id"])["properties"]
    shown = {k: found.get(k) for k in project.EDITABLE} if found else {}
    shown.update(values or {})
    details = error.details if error is not None and isinstance(error.details, dict) else {}
    current = details.get("current")
    status = 200 if error is None else error.status
    return render_template(
        "project_form.html", park=park, project=found, values=shown,
        version=current["version"] if current else (found or {}).get("version"),
        error=error.localize(gettext).message if error is not None else None,
        error_field=details.get("field"), current=current, fields=project.FIELDS,
        labels=labels, lang=current_language(),
        **project.choices(conn, park["id"])), status


@bp.get("/projects/<int:project_id>")
@access("viewer")
def project_page(project_id: int):
    conn = get_db()
    found = project.get(conn, project_id, params.as_of(request.args.get("as_of")))
    return render_template(
        "project.html", project=found, labels=labels, lang=current_language(),
        history=project.history_of(conn, project_id, gettext, current_language()),
        can_edit=request_can("planner"), can_delete=request_can("admin"),
        fields=project.FIELDS, tag_names=project.TAGS, flags=project.FLAGS,
        milestone_stages=milestone.STAGES, milestone_fields=milestone.FIELDS,
        progress_fields=progress.FIELDS,
        missing_stages=[s for s in milestone.STAGES
                        if s not in {m["stage"] for m in found["milestones"]}],
        **_map_and_charts(conn, found))


@bp.post("/projects/<int:project_id>/milestones")
@access("planner")
def milestone_add(project_id: int):
    return _acting(lambda: milestone.add(get_db(), project_id, {
        "properties": params.record_form(request.form)}), project_id)


@bp.post("/projects/<int:project_id>/milestones/<int:milestone_id>")
@access("planner")
def milestone_save(project_id: int, milestone_id: int):
    version = params.form_version(request.form)
    if request.form.get("action") == "delete":
        return _acting(lambda: milestone.delete(get_db(), project_id, milestone_id, version)
                       or True, project_id)
    values = params.record_form(request.form)
    if request.form.get("action") == "clear":
        values["actual_on"] = None
    return _acting(lambda: milestone.update(get_db(), project_id, milestone_id, version,
                                            {"properties": values}), project_id)


@bp.post("/projects/<int:project_id>/progress")
@access("planner")
def progress_add(project_id: int):
    return _acting(lambda: progress.add(get_db(), project_id, {
        "properties": params.record_form(request.form, numbers=NUMBERS)}), project_id)


@bp.post("/projects/<int:project_id>/progress/<int:progress_report_id>")
@access("planner")
def progress_save(project_id: int, progress_report_id: int):
    version = params.form_version(request.form)
    if request.form.get("action") == "delete":
        return _acting(lambda: progress.delete(get_db(), project_id, progress_report_id,
                                               version) or True, project_id)
    return _acting(lambda: progress.update(
        get_db(), project_id, progress_report_id, version,
        {"properties": params.record_form(request.form, numbers=NUMBERS)}), project_id)


def _acting(action, project_id: int):
    """Run a form's action and come back to the project page (or where the action says),
    with its refusal in the user's language (on a 409, who saved what meanwhile)."""
    back = url_for("projects.project_page", project_id=project_id)
    try:
        target = action()
    except AtlasError as exc:
        exc.localize(gettext)
        current = (exc.details or {}).get("current") if isinstance(exc.details, dict) else None
        flash(exc.message + (_now_saved(current) if current else ""), "danger")
        return redirect(back)
    return redirect(target if isinstance(target, str) else back)


def _now_saved(current: dict) -> str:
    """What a 409 on a milestone or report says the record holds now."""
    names = {**milestone.FIELDS, **progress.FIELDS}
    shown = {k: v for k, v in current.items() if k in names}
    stage = milestone.STAGES.get(shown.get("stage"))
    if stage:
        shown["stage"] = gettext(stage)
    return " " + gettext("Saved now: %(values)s", values="; ".join(
        f"{gettext(names[k])} = {'' if v is None else v}" for k, v in shown.items()))


# --- the project page's map, plot marking and charts (issue 12 items 2-3) ----------------

def _map_and_charts(conn, found: dict) -> dict:
    """The park map (the project's plots drawn over it, marked by a planner) and the data
    of the timeline, progress and investment charts (static/js/parkatlas-project.js)."""

    page = map_page(parks.get(conn, found["park_id"])["properties"]["code"])
    return {"map": page["map"], "project_config": {
        "id": found["id"], "version": found["version"], "parkId": found["park_id"],
        "api": url_for("api.index").rstrip("/"), "editable": request_can("planner"),
        "asOf": params.as_of(request.args.get("as_of")),
        "today": clock.park_today(conn, found["park_id"]),
        "stages": {k: gettext(v) for k, v in milestone.STAGES.items()},
        "stageOrder": list(milestone.STAGES),
        "milestones": [{k: m[k] for k in ("stage", "planned_on", "actual_on")}
                       for m in found["milestones"]],
        "progress": [{k: r[k] for k in ("reported_on", "progress_pct", "investment_done")}
                     for r in found["progress"]],
        "plannedInvestment": found["planned_investment"],
        "completedInvestment": found["completed_investment"]}}


# --- the board (看板), and the lobby screen (日日播) that plays it (issue 12 items 4, 7) --

@bp.get("/board")
@access("viewer")
def board_page():
    return render_template("board.html", messages=board_messages(),
                           **_list_context(request.args, "board", board.board))


def board_messages() -> dict:
    """The board's and the lobby's JS strings in the user's language."""
    return {k: v for k, v in ui_messages.translated(gettext).items()
            if k.startswith(("board.", "lobby.", "error."))}


@bp.get("/lobby")
@access("viewer")
def lobby_page():
    timing = params.lobby_timing(request.args)
    found = map_page(request.args.get("park"))
    found["map"]["config"]["plotView"] = "battle"  # the battle-map slide (挂图作战)
    return render_template("lobby.html", timing=timing, messages=board_messages(),
                           lang=current_language(),
                           ranking=url_for("projects.ranking_page", park=found["park"]["code"]),
                           **found)


# --- The ranking (龙虎榜), the 旬报 and the 点将台 (issue 12 items 5 and 6) ----------------

DOWNLOADS = {  # ?kind= → (writer, extension, media type, name in zh and en)
    "report-xlsx": (report.period_xlsx, "xlsx", report.XLSX, ("旬报", "ten-day-report")),
    "report-pdf": (report.period_pdf, "pdf", report.PDF, ("旬报", "ten-day-report")),
    "roster-xlsx": (report.roster_xlsx, "xlsx", report.XLSX, ("点将台", "responsibility-table")),
}


@bp.get("/ranking")
@access("viewer")
def ranking_page():
    return render_template("ranking.html", **_ranking_context(request.args))


@bp.get("/ranking/export")
@access("viewer")
def ranking_export():
    return _download(params.export_kind(request.args.get("kind"), DOWNLOADS), request.args)


def _period(conn, park: dict, args):
    return params.period(args.get("period")) or ranking.default_period(conn, park["id"])


def _ranking_context(args) -> dict:
    conn = get_db()
    park = _park(args.get("park"))
    period = _period(conn, park, args)
    filters = params.project_list(args).filters
    lang = current_language()
    return {"park": park, "period": period, "filters": filters, "lang": lang,
            "found": ranking.ranking(conn, park["id"], period, filters),
            "args": {k: v for k, v in args.items() if v}, "labels": labels,
            "flags": project.FLAGS, "tag_names": project.TAGS,
            "downloads": list(DOWNLOADS), **filter_options(conn, park["id"], lang)}


def _download(kind: str, args):
    """A 旬报 or 点将台 file for the chosen 旬, in the user's language (?lang=en as on every
    page), named by park and 旬, with an ASCII fallback name."""
    conn = get_db()
    park = _park(args.get("park"))
    period = _period(conn, park, args)
    lang = current_language()
    writer, extension, media_type, names = DOWNLOADS[kind]
    body = writer(conn, park, period, lang)
    local = f'{park["name"]}_{period.name("zh")}_{names[0]}' if lang == "zh" else \
        f'{park["code"]}_{period}_{names[1]}'
    return body, 200, {
        "Content-Type": media_type,
        "Content-Disposition": f'attachment; filename="{park["code"]}-{period}-{names[1]}'
                               f'.{extension}"; filename*=UTF-8\'\'{quote(local)}.{extension}'}
