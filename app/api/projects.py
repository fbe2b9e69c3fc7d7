"""Projects (issue 12): the list (a GeoJSON layer the map reads), one project with its
milestones, progress, plots and flag, and the edits of the project, its milestones and its
progress reports (app.projects). Edits need a planner; deleting a project an admin."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext

from .. import layers, params
from ..auth import access
from ..i18n import current_language
from ..projects import board, milestone, occupancy, progress, project
from ..web_db import get_db
from . import as_of, body, bp, feature_page, geo, park, version

LAYER = layers.LAYERS["projects"]


@bp.get("/projects")
@access(LAYER.role)
def project_list():
    return feature_page("projects")


@bp.post("/projects")
@access("planner")
def project_create():
    return _detail(project.create(get_db(), park(required=True), body()), 201)


@bp.get("/projects/<int:project_id>")
@access(LAYER.role)
def project_detail(project_id: int):
    return _detail(project_id, when=as_of())


@bp.patch("/projects/<int:project_id>")
@access("planner")
def project_edit(project_id: int):
    return _detail(project.update(get_db(), project_id, *_edit()) and project_id)


@bp.delete("/projects/<int:project_id>")
@access("admin")
def project_delete(project_id: int):
    return project.delete(get_db(), project_id, version()) or ("", 204)


@bp.get("/projects/<int:project_id>/history")
@access("viewer")
def project_history(project_id: int):
    return jsonify(project.history_of(get_db(), project_id, gettext, current_language()))


@bp.post("/projects/<int:project_id>/milestones")
@access("planner")
def milestone_create(project_id: int):
    return _detail(milestone.add(get_db(), project_id, body()) and project_id, 201)


@bp.patch("/projects/<int:project_id>/milestones/<int:milestone_id>")
@access("planner")
def milestone_edit(project_id: int, milestone_id: int):
    return _detail(milestone.update(get_db(), project_id, milestone_id, *_edit())
                   and project_id)


@bp.delete("/projects/<int:project_id>/milestones/<int:milestone_id>")
@access("planner")
def milestone_delete(project_id: int, milestone_id: int):
    return _detail(milestone.delete(get_db(), project_id, milestone_id, version())
                   or project_id)


@bp.post("/projects/<int:project_id>/progress")
@access("planner")
def progress_create(project_id: int):
    return _detail(progress.add(get_db(), project_id, body()) and project_id, 201)


@bp.patch("/projects/<int:project_id>/progress/<int:progress_report_id>")
@access("planner")
def progress_edit(project_id: int, progress_report_id: int):
    return _detail(progress.update(get_db(), project_id, progress_report_id, *_edit())
                   and project_id)


@bp.delete("/projects/<int:project_id>/progress/<int:progress_report_id>")
@access("planner")
def progress_delete(project_id: int, progress_report_id: int):
    return _detail(progress.delete(get_db(), project_id, progress_report_id, version())
                   or project_id)


def _edit() -> tuple[int, dict]:
    """(the version read, from the body or If-Match; the body)."""
    data = body()
    return params.version(data, request.headers.get("If-Match")), \
        {k: v for k, v in data.items() if k != "version"}


def _detail(project_id: int, http_status: int = 200, when=None):
    """The project as a GeoJSON Feature (the union of its plots), its properties the
    layer's and the project page's: names, flag, milestones, progress, plots; as of `when`
    (a read's ?as_of), today for the answer to a write."""
    conn = get_db()
    feature = layers.get(conn, LAYER, project_id)
    detail = project.get(conn, project_id, when)
    detail["occupied_plots"] = detail.pop("plots")  # the layer's "plots" are their codes
    feature["properties"].update(detail)
    return geo(feature, http_status)


# --- the plots a project occupies (issue 12 item 2) ------------------------------------

@bp.get("/projects/<int:project_id>/plots")
@access("viewer")
def project_plots(project_id: int):
    return geo(occupancy.plot_map(get_db(), project_id, as_of()))


@bp.put("/projects/<int:project_id>/plots")
@access("planner")
def project_plots_save(project_id: int):
    return geo(occupancy.save(get_db(), project_id, *_edit(), current_language())
               and occupancy.plot_map(get_db(), project_id))


@bp.post("/projects/<int:project_id>/plots/inside")
@access("planner")
def project_plots_inside(project_id: int):
    return geo(occupancy.inside(get_db(), project_id, body()))


# --- the board (看板) and moving a project to its next stage (issue 12 item 4) ---------

@bp.get("/board")
@access("viewer")
def board_cards():
    return jsonify(board.board(get_db(), park(required=True), params.project_list(request.args)))


@bp.post("/projects/<int:project_id>/stage")
@access("planner")
def project_move(project_id: int):
    return jsonify(board.move(get_db(), project_id, body()))
