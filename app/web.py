"""Web pages: the map, a plot's page, the status pages, plans and rates."""

from __future__ import annotations

from urllib.parse import quote

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext

from . import exporters, labels, maps, params, parks, plot_shapes, plots, requisition, ui_messages
from .auth import access, request_can, request_role
from .basemap import web as basemap_web
from .errors import AtlasError, BadRequest, Text, Unprocessable, localized
from .i18n import current_language
from .labels import N_
from .tiles.tile import MAX_ZOOM as TILE_MAX_ZOOM
from .tiles.tile import MIN_ZOOM as TILE_MIN_ZOOM
from .web_db import get_db

bp = Blueprint("web", __name__)


def map_page(park_code: str | None, view_state: bool = False, editing: bool = True,
             tiles: bool = False) -> dict:
    """What the map template needs: the park and the rendered Folium parts (for a guest
    only the layers it may read, and no link to the staff's plot page; the drawing tools
    for a planner unless `editing` is false; vector tiles where `tiles` allows them and
    app.maps.use_tiles chooses them)."""
    conn = get_db()
    staff = request_can("viewer")
    park = parks.get(conn, parks.resolve(conn, park_code))
    props = park["properties"]
    map_parts = maps.render_park_map(
        park={"id": props["id"], "code": props["code"], "bbox": props["bbox"],
              "name": props["name"] if current_language() == "zh" else
              (props["name_en"] or props["name"])},
        layers_config={"api": url_for("api.index").rstrip("/"), "lang": current_language(),
                       "login": url_for("auth.login"),
                       "plot_page": url_for("web.index") + "plots/" if staff else False,
                       "layers": {} if staff else maps.GUEST_HIDDEN_LAYERS,
                       "view_state": view_state,
                       "battle": {"project": url_for("web.index") + "projects/{id}"}
                       if staff else None,
                       "editing": _editing(conn, props["id"]) if editing else None,
                       "plot_edit": url_for("web.index") + "plots/{id}/edit"
                       if request_can("planner") else None,
                       "tiles": _tiles(conn, props) if tiles else None},
        messages=ui_messages.translated(gettext),
        static_url=lambda filename: url_for("static", filename=filename),
        basemaps={"tianditu_key": current_app.config.get("TIANDITU_KEY"),
                  "local": basemap_web.local(url_for("web.index") + "basemap/{z}/{x}/{y}")})
    return {"park": props, "map": map_parts}


def _tiles(conn, park: dict) -> dict | None:
    """The park's tiles when its map draws from them (app.maps.use_tiles decides; a guest
    gets the tiles' guest variant: the supplyable serviced plots only)."""
    setting = current_app.config.get("MAP_TILES", "auto")
    count = parks.plot_count(conn, park["id"]) if setting == "auto" else None
    if not maps.use_tiles(setting, count, current_app.config.get("MAP_TILES_FROM", 5000)):
        return None
    return {"base": url_for("web.index") + "tiles/" + quote(park["code"], safe=""),
            "min_zoom": TILE_MIN_ZOOM, "max_zoom": TILE_MAX_ZOOM}


def _editing(conn, park_id: int) -> dict | None:
    """The map's editing tools for a planner or admin: who may delete, and the land
    classes and planned uses the drawing form offers by name."""
    if not request_can("planner"):
        return None
    found = plots.choices(conn, park_id)
    name = "name_en" if current_language() == "en" else "name_zh"
    return {"admin": request_can("admin"),
            "landClasses": [[r["code"], r[name]] for r in found["land_classes"]],
            "plannedUses": [[r["code"], r[name]] for r in found["planned_uses"]]}


@bp.get("/")
@access("guest")
def index():
    return render_template("map.html", **map_page(request.args.get("park"), view_state=True,
                                                  tiles=True))


def park_page(park_code: str | None) -> dict:
    """What a park's status page needs: the park and the UI strings its JS uses."""
    conn = get_db()
    return {"park": parks.get(conn, params.park(conn, park_code, required=True))["properties"],
            "messages": ui_messages.translated(gettext)}


@bp.get("/idle")
@access("viewer")
def idle_page():
    return render_template("idle.html", **park_page(request.args.get("park")))


@bp.get("/priorities")
@access("viewer")
def priorities_page():
    return render_template("priorities.html", **map_page(request.args.get("park")))


# --- a plot: its page, its form and its history (issue 10) ---------------------------

def plot_context(plot_id: int, as_of=None) -> dict:
    """What the plot page, form and history show: the plot, its history, the names."""
    conn = get_db()
    plot = plots.get(conn, plot_id, as_of)
    return {"plot": plot, "labels": labels, "fields": plots.FIELDS,
            "history": plots.history_of(conn, plot_id, gettext, current_language()),
            "lineage": plot_shapes.lineage(conn, plot_id),
            "can_edit": request_can("planner"),
            "messages": ui_messages.translated(gettext),
            "api": url_for("api.index").rstrip("/")}


@bp.get("/plots/<int:plot_id>")
@access("viewer")
def plot_page(plot_id: int):
    return render_template("plot.html", **plot_context(
        plot_id, params.as_of(request.args.get("as_of"))))


@bp.get("/plots/<int:plot_id>/history")
@access("viewer")
def plot_history_page(plot_id: int):
    return render_template("plot_history.html", **plot_context(plot_id))


@bp.get("/plots/<int:plot_id>/edit")
@access("planner")
def plot_form(plot_id: int):
    context = plot_context(plot_id)
    props = context["plot"]["properties"]
    return render_template(
        "plot_form.html", **context, sections=plots.SECTIONS, vocabularies=plots.VOCABULARIES,
        values={k: props.get(k) for k in sorted(plots.EDITABLE)},
        fields_translated={k: gettext(v) for k, v in plots.FIELDS.items()},
        **plots.choices(get_db(), props["park_id"]))


@bp.get("/plots/retired/<int:plot_id>")
@access("viewer")
def retired_plot_page(plot_id: int):
    return render_template("plot_retired.html", plot=plot_shapes.retired(get_db(), plot_id))


# --- requisition plans (征地方案) ------------------------------------------------------

def plans_page(park_code: str | None) -> dict:
    """The plan list of a park and what the create form offers."""
    conn = get_db()
    park = parks.get(conn, params.park(conn, park_code, required=True))["properties"]
    return {"park": park, "plans": requisition.list_plans(conn, park["id"], request_role()),
            "labels_plan_status": labels.PLAN_STATUSES, **requisition.choices(conn, park["id"])}


@bp.get("/plans")
@access("viewer")
def plans_list():
    return render_template("plans.html", **plans_page(request.args.get("park")))


def _form_selection(form) -> dict:
    kind = form.get("kind", "")
    value = form.get(kind, "")
    if kind not in ("project", "zone", "codes"):
        raise BadRequest(Text(N_("Choose how to select the plots.")))
    return {kind: value}


def acting(action, back: str):
    """Run a form's action; a refused one comes back to the form with its message."""
    try:
        target = action()
    except AtlasError as exc:
        flash(exc.message, "danger")
        return redirect(back)
    return redirect(target)


@bp.post("/plans")
@access("planner")
def plans_create():
    return acting(lambda: url_for("web.plan_page", plan_id=requisition.create(
        get_db(), params.park(get_db(), request.form.get("park"), required=True),
        request.form.get("name"),
        _form_selection(request.form), g.actor)["id"]), url_for("web.plans_list"))


def plan_page_context(plan_id: int, version_no: int | None) -> dict:
    """What the plan page shows: the plan, its map, and its numbers or its problems."""
    conn = get_db()
    role = request_role()
    plan = requisition.get(conn, plan_id, role)
    version_no = version_no or plan["current_version"]
    result, problems = None, []
    money = requisition.sees_money(conn, plan["park_id"], role)
    try:
        result = requisition.compute(conn, plan_id, version_no, role=role)
    except Unprocessable as exc:
        problems = localized((exc.details or {}).get("problems", []), gettext)
    page = map_page(plan["park_code"])
    current = version_no == plan["current_version"]
    shown = next(v for v in plan["versions"] if v["version_no"] == version_no)
    doubles = localized(requisition.in_other_plans(conn, plan_id, version_no), gettext) \
        if shown["status"] != "approved" and request_can("planner") else []
    return {**page, "plan": plan, "version_no": version_no, "result": result,
            "doubles": doubles,
            "problems": problems, "labels": labels, "sees_money": money,
            "land_class_names": requisition.land_class_names(conn, current_language()),
            "formats": {k: f for k, f in exporters.FORMATS.items()
                        if money or k in requisition.MONEY_FREE_FORMATS},
            "plan_config": {
                "id": plan_id, "version": plan["version"], "versionNo": version_no,
                "current": current, "status": plan["status"],
                "editable": current and request_can("planner") and plan["status"] == "draft",
                "api": url_for("api.index").rstrip("/"), "parkId": plan["park_id"],
                # the long exports run as jobs (static/js/plan-jobs.js)
                "jobs": {"start": url_for("api.plan_export_job", plan_id=plan_id),
                         "list": url_for("api.job_list", plan=plan_id),
                         "version": version_no, "lang": current_language()}},
            "long_formats": exporters.LONG_FORMATS}


def _version_arg() -> int | None:
    return params.whole_number("version", request.args.get("version"))


@bp.get("/plans/<int:plan_id>")
@access("viewer")
def plan_page(plan_id: int):
    return render_template("plan.html", **plan_page_context(plan_id, _version_arg()))


def _form_version() -> int:
    return params.form_version(request.form)


def _plan_action(plan_id: int, action) -> object:
    back = url_for("web.plan_page", plan_id=plan_id)
    return acting(lambda: (action(get_db(), plan_id, _form_version())
                            and back), back)


@bp.post("/plans/<int:plan_id>/edit")
@access("planner")
def plan_edit_form(plan_id: int):
    return _plan_action(plan_id, lambda conn, pid, v: requisition.edit(
        conn, pid, v, actor=g.actor, name=request.form.get("name") or None,
        add={"codes": request.form["add"]} if request.form.get("add", "").strip() else None,
        remove=request.form.get("remove", "").replace(",", " ").split() or None))


@bp.post("/plans/<int:plan_id>/submit")
@access("planner")
def plan_submit_form(plan_id: int):
    return _plan_action(plan_id, lambda conn, pid, v: requisition.submit(conn, pid, v, g.actor))


@bp.post("/plans/<int:plan_id>/new-version")
@access("planner")
def plan_new_version_form(plan_id: int):
    return _plan_action(plan_id, lambda conn, pid, v: requisition.new_version(conn, pid, v,
                                                                              g.actor))


@bp.post("/plans/<int:plan_id>/approve")
@access("admin")
def plan_approve_form(plan_id: int):
    return _plan_action(plan_id, lambda conn, pid, v: requisition.approve(conn, pid, v, g.actor))


@bp.post("/plans/<int:plan_id>/delete")
@access("planner")
def plan_delete_form(plan_id: int):
    return acting(lambda: requisition.delete(get_db(), plan_id, _form_version())
                   or url_for("web.plans_list"), url_for("web.plan_page", plan_id=plan_id))


# --- imports (issue 13): upload → preview → choices → commit → report ------------------

def imports_context(park_code: str | None) -> dict:
    """The park map (without the drawing tools) and the import page's settings: the API,
    the park, the language, the map's address and the upload limit
    (static/js/parkatlas-imports.js does the rest)."""
    page = map_page(park_code, editing=False)
    return {**page, "import_config": {
        "api": url_for("api.index").rstrip("/"), "park": page["park"]["code"],
        "lang": current_language(), "map": url_for("web.index", park=page["park"]["code"]),
        "maxBytes": current_app.config["IMPORT_MAX_BYTES"],
        "maxMb": f'{current_app.config["IMPORT_MAX_BYTES"] / (1024 * 1024):g}'}}


@bp.get("/imports")
@access("planner")
def imports_page():
    return render_template("imports.html", **imports_context(request.args.get("park")))


@bp.get("/rates")
@access("viewer")
def rates_page():
    conn = get_db()
    park = parks.get(conn, params.park(conn, request.args.get("park"), True))["properties"]
    return render_template("rates.html", park=park,
                           rates=requisition.rates(conn, park["id"], request_role()),
                           fields=requisition.RATE_FIELDS, land_groups=labels.LAND_GROUPS)


@bp.post("/rates/<int:rate_id>")
@access("admin")
def rate_update_form(rate_id: int):
    back = url_for("web.rates_page", park=request.form.get("park") or None)
    return acting(lambda: requisition.update_rate(
        get_db(), rate_id, _form_version(),
        {f: request.form.get(f, "") for f in requisition.RATE_FIELDS})
        and (flash(gettext("Saved."), "info") or back), back)


def init_app(app) -> None:
    from . import web_cleanup, web_ogc, web_projects

    app.register_blueprint(bp)
    app.register_blueprint(web_projects.bp)
    app.register_blueprint(web_ogc.bp)
    app.register_blueprint(web_cleanup.bp)
