"""The OpenAPI 3.1 description of /api/v1."""

from __future__ import annotations

from . import schemas
from .layers import LAYERS, Filter, Layer
from .params import DEFAULT_LIMIT, MAX_LIMIT

_PARAMS = {
    "park": {"name": "park", "in": "query", "description": "park id or code",
             "schema": {"type": "string"}},
    "bbox": {"name": "bbox", "in": "query", "style": "form", "explode": False,
             "description": "minx,miny,maxx,maxy in longitude/latitude degrees; any size "
                            "(a page holds at most `limit` features)",
             "schema": {"type": "array", "items": {"type": "number"}, "minItems": 4,
                        "maxItems": 4}},
    "limit": {"name": "limit", "in": "query",
              "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                         "default": DEFAULT_LIMIT}},
    "offset": {"name": "offset", "in": "query", "description": "features to skip (kept for "
               "old clients; deep pages cost more: follow the `next` link instead)",
               "schema": {"type": "integer", "minimum": 0, "default": 0}},
    "after": {"name": "after", "in": "query", "description": "start after this key, as the "
              "`next` link of the previous page gives it (keyset paging; opaque)",
              "schema": {"type": "string"}},
    "as_of": {"name": "as_of", "in": "query", "description": "evaluate the rules as of this "
              "date (default today)", "schema": {"type": "string", "format": "date"}},
}


_ZONE = {"name": "zone", "in": "query", "description": "one zone, by code",
         "schema": {"type": "string"}}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/{name}"}


def _id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def _op(summary: str, *params: str, response: str = "FeatureCollection",
        extra: list | None = None) -> dict:
    return {"summary": summary,
            "parameters": [_ref(f"parameters/{p}") for p in params] + (extra or []),
            "responses": {"200": {"description": summary, "content": {
                "application/json" if response in ("Object", "Array") else
                "application/geo+json": {"schema": _ref(f"schemas/{response}")}}},
                "400": _ref("responses/Error"), "401": _ref("responses/Error"),
                "403": _ref("responses/Error"), "404": _ref("responses/Error")}}


def _kept(op: dict) -> dict:
    """A whole-park answer (app/answers.py): a 503 `computing` while first computed."""
    op["responses"]["503"] = {
        "description": "Being computed (error code `computing`): ask again after the "
                       "Retry-After header's seconds (also in `details.retry_after`)",
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
        "content": {"application/json": {"schema": _ref("schemas/Error")}}}
    return op


def document() -> dict:
    """The OpenAPI document served at /api/v1/openapi.json."""
    edit = _op("Edit a plot (planner); needs the version read", response="Feature",
               extra=[_id("plot_id")])
    edit["requestBody"] = _request(schemas.PLOT_EDIT)
    edit["responses"]["409"] = _ref("responses/Error")
    edit["responses"]["413"] = _ref("responses/Error")
    edit["description"] = CONFLICT
    paths = {**_paths(edit), **_plan_paths(), **_plot_history_paths()}
    for path, ops in _project_paths().items():
        paths[path] = {**paths.get(path, {}), **ops}
    for path, ops in [*_shape_paths().items(), *_import_paths().items()]:
        paths[path] = {**paths.get(path, {}), **ops}
    paths.update(_project_plot_paths())
    paths.update(_board_paths())
    paths.update(_cleanup_paths())
    paths.update(_job_paths())
    return {**_document_head(), "paths": paths, "components": _components()}


def _cleanup_paths() -> dict:
    """The clean-up lists and a plot's disposal record (issue 15 items 4–5)."""
    from .cleanup.lists import LISTS, SORTS
    from .disposal.decision import BODY

    def query(name: str, description: str, schema: dict) -> dict:
        return {"name": name, "in": "query", "description": description, "schema": schema}

    filters = [
        {"name": "list", "in": "path", "required": True, "schema": {"enum": list(LISTS)}},
        _ZONE,
        query("kind", "a type or cause of the list (idle: a flag; low_efficiency: a failing "
              "indicator; the others: a stage)", {"type": "string"}),
        query("land_user", "part of the land user's name (用地单位), any case",
              {"type": "string"}),
        query("due_within", "the next legal mark within this many days, or one passed",
              {"type": "integer", "minimum": 0, "maximum": 3650}),
        query("sort", "a sort key, a leading - for descending",
              {"enum": [*SORTS, *(f"-{k}" for k in SORTS)]})]
    record = _status(_body("Record a decision on a plot (planner): 限期动工, 征缴闲置费, "
                           "无偿收回, 协议有偿收回, 置换, 改变用途; needs the plot's version",
                           "Object", BODY, extra=[_id("plot_id")]), "201")
    record["description"] = CONFLICT
    return {
        "/cleanup/{list}": {"get": _op(
            "A land clean-up list (闲置土地, 低效用地, 批而未供, 供而未用) as of a date, with "
            "the legal clock, failing indicators, disposal and totals", "park", "as_of",
            response="Object", extra=filters)},
        "/plots/{plot_id}/disposals": {
            "get": _op("A plot's decisions (disposal record), latest first, and the "
                       "suggested idle fee", response="Object", extra=[_id("plot_id")]),
            "post": record},
    }


BODY_LIMITS = (
    f"JSON bodies: at most PARKATLAS_MAX_JSON_BODY_MB (default 4) MB, else 413; nested at "
    f"most PARKATLAS_MAX_JSON_DEPTH (default {schemas.MAX_DEPTH}) levels; no NaN or "
    f"Infinity; unknown keys refused; a geometry has at most {schemas.MAX_VERTICES} "
    f"vertices and must be valid (a self-intersection is refused, saying where). A refused "
    f"body is a 400 whose message names the field.")


def _request(schema: dict) -> dict:
    """A JSON request body of an app.schemas schema, with the body limits."""
    return {"required": True, "description": BODY_LIMITS,
            "content": {"application/json": {"schema": schema}}}


def _body(summary: str, response: str, schema: dict, *params, extra=None) -> dict:
    op = _op(summary, *params, response=response, extra=extra)
    op["requestBody"] = _request(schema)
    for status in ("409", "413", "422"):
        op["responses"][status] = _ref("responses/Error")
    return op


def _status(op: dict, status: str, content: bool = True) -> dict:
    """An operation that answers `status` (201 Created, 204 No Content) instead of 200."""
    ok = op["responses"].pop("200")
    op["responses"][status] = ok if content else {"description": ok["description"]}
    return op


CONFLICT = (
    "The version read comes in If-Match (or `version`). A stale version is a 409 whose "
    "`details` carry `current_version` and `current`: the plot now (`version`, `properties` "
    "with every editable attribute, `geometry`, `changed_by`, `changed_at`), so that a client "
    "can show what the other person changed and re-apply its own changes.")


def _plot_history_paths() -> dict:
    """A plot's history and restore (issue 10)."""
    plot = _id("plot_id")
    history = _op("A plot's history from the audit log, newest first: who, when (park time), "
                  "which fields changed from what to what (names in the request's "
                  "language), and the outline before and after when it changed",
                  response="Object", extra=[plot])
    restore = _body("Restore a plot to an earlier version (planner): its attributes and "
                    "geometry as they were, saved as a new, audited version", "Feature",
                    schemas.PLOT_RESTORE,
                    extra=[plot, {"name": "If-Match", "in": "header", "required": True,
                                  "schema": {"type": "string"},
                                  "description": "the plot's version as read"}])
    restore["description"] = CONFLICT
    return {"/plots/{plot_id}/history": {"get": history},
            "/plots/{plot_id}/restore": {"post": restore}}


def _shape_paths() -> dict:
    """Geometry editing of plots (app/plot_shapes.py, issue 10). A geometry overlapping
    another plot beyond the park setting editing.max_overlap_m2 is a 400 with code
    plot_overlap and the overlaps in details.list."""
    plot = _id("plot_id")
    return {
        "/plots": {"post": _status(_body(
            "Draw a new plot (planner): code, name, zone, land class, planned use", "Feature",
            schemas.PLOT_CREATE, "park"), "201")},
        "/plots/proposal": {"post": _body(
            "What a drawn shape proposes (planner): code, zone, GK area, overlaps", "Object",
            schemas.SHAPE_CHECK, "park")},
        "/plots/clip": {"post": _body(
            "Clip a shape to its neighbours (planner): ST_Difference in GK", "Object",
            schemas.SHAPE_CHECK, "park")},
        "/plots/{plot_id}/split-preview": {"post": _body(
            "The pieces a line cuts a plot into, with proposed codes (planner)", "Object",
            schemas.PLOT_SPLIT, extra=[plot])},
        "/plots/{plot_id}/split": {"post": _status(_body(
            "Split a plot with a line (planner); the parent is retired", "FeatureCollection",
            schemas.PLOT_SPLIT, extra=[plot]), "201")},
        "/plots/merge": {"post": _status(_body(
            "Merge adjacent plots into one (planner); the parents are retired", "Feature",
            schemas.PLOT_MERGE), "201")},
        "/plots/{plot_id}": {"delete": _status(_body(
            "Delete a plot (admin) with a reason; kept in the lineage", "Object",
            schemas.PLOT_DELETE, extra=[plot]), "204", content=False)},
        "/plots/{plot_id}/lineage": {"get": _op(
            "The plots a plot came from and was made into", response="Object", extra=[plot])},
        "/plots/retired/{plot_id}": {"get": _op(
            "A plot a split, merge or delete retired, as it was", response="Object",
            extra=[plot])},
    }


PROJECT_CONFLICT = (
    "The version read comes in `version` (or If-Match). A stale version is a 409 whose "
    "`details` carry `current_version` and `current`: the record now (a project: `version`, "
    "`properties`, `changed_by`, `changed_at`; a milestone or report: its columns). A refused "
    "value is a 400 whose message names the field by its label in the request's language; "
    "`details.field` is the column.")


def _project_paths() -> dict:
    """Projects, their milestones and progress reports (app/projects, issue 12). Writes
    answer the project as a Feature like GET /projects/{project_id}."""
    from .projects import milestone, progress, project

    pid, mid, rid = _id("project_id"), _id("milestone_id"), _id("progress_report_id")
    only_version = schemas.VERSION_ONLY

    def write(summary: str, schema: dict, extra: list, status: str | None = None) -> dict:
        op = _body(summary, "Feature", schema, *([] if extra else ["park"]), extra=extra)
        op["description"] = PROJECT_CONFLICT
        return _status(op, status) if status else op

    return {
        "/projects": {"post": write("Create a project (planner)", project.CREATE, [], "201")},
        "/projects/{project_id}": {
            "get": _op("One project: fields with the names of its zone and industry, flag "
                       "(black/red, days behind, reasons in zh and en), milestones (days "
                       "late), progress reports, occupied plots and area", "as_of",
                       response="Feature", extra=[pid]),
            "patch": write("Edit a project (planner)", project.EDIT, [pid]),
            "delete": _status(_body("Delete a project (admin)", "Object", only_version,
                                    extra=[pid]), "204", content=False)},
        "/projects/{project_id}/history": {"get": _op(
            "A project's history and its milestones', reports' and plot links', newest "
            "first", response="Array", extra=[pid])},
        "/projects/{project_id}/milestones": {"post": write(
            "Add a milestone (planner): stage, planned and actual date", milestone.CREATE,
            [pid], "201")},
        "/projects/{project_id}/milestones/{milestone_id}": {
            "patch": write("Change or clear a milestone's dates (planner)", milestone.EDIT,
                           [pid, mid]),
            "delete": write("Remove a milestone (planner)", only_version, [pid, mid])},
        "/projects/{project_id}/progress": {"post": write(
            "Add a progress report (planner): date, % done, investment to date, note, "
            "reporter", progress.CREATE, [pid], "201")},
        "/projects/{project_id}/progress/{progress_report_id}": {
            "patch": write("Change a progress report (planner)", progress.EDIT, [pid, rid]),
            "delete": write("Remove a progress report (planner)", only_version, [pid, rid])},
    }


def _project_plot_paths() -> dict:
    """The plots a project occupies (issue 12 item 2, app/projects/occupancy.py)."""
    from .projects import occupancy

    pid = _id("project_id")
    save = _body("Make the project occupy exactly these plots (planner), at the project's "
                 "version; conflicts (double claim, zoning, use) refuse the save with a 422 "
                 "`plot_conflicts` whose `details.warnings` list kind, plot code, other "
                 "projects and message, unless `reason` is given (stored on those links)",
                 "FeatureCollection", occupancy.SAVE, extra=[pid])
    save["description"] = PROJECT_CONFLICT
    return {
        "/projects/{project_id}/plots": {
            "get": _op("The plots a project occupies with their stage and flags, the "
                       "project's version and the occupied area (m², 亩)", "as_of",
                       extra=[pid]),
            "put": save},
        "/projects/{project_id}/plots/inside": {"post": _body(
            "The park's plots more than half inside a drawn polygon (GK areas), for the "
            "planner's selection", "FeatureCollection", occupancy.INSIDE, extra=[pid])},
    }


def _board_paths() -> dict:
    """The board (看板) and a card's move to its next stage (issue 12 item 4,
    app/projects/board.py)."""
    from .projects import board

    cards = _op("The board: the park's projects matching the project list's filters as "
                "cards in columns by stage, with progress, flag and next milestone",
                "park", "as_of", response="Object",
                extra=[_filter(f) for f in LAYERS["projects"].filters])
    move = _body("Move a project to its next stage on the date it got there (planner): the "
                 "stage and its milestone's actual date in one transaction", "Object",
                 board.MOVE, extra=[_id("project_id")])
    move["description"] = PROJECT_CONFLICT
    return {"/board": {"get": cards}, "/projects/{project_id}/stage": {"post": move}}


def _import_paths() -> dict:
    """Imports (issue 13, planner; README "Imports: mapping, validation and commit")."""
    run = _id("import_id")
    upload = _status(_op(
        "Upload a file to import (planner): multipart fields file, layer (plots, roads, "
        "networks, zones) and optional choices (source_layer, crs, encoding, mapping as "
        "JSON, mapping_name, save_mapping, treatment, mode, zone). Answers the import id, "
        "the file's layers, encoding, CRS or CRS candidates, fields, the guessed mapping, "
        "the preview features (GeoJSON, EPSG:4326) and the problems", "park",
        response="Object"), "201")
    upload["requestBody"] = {"required": True, "content": {"multipart/form-data": {
        "schema": {"type": "object", "required": ["file", "layer"], "properties": {
            "file": {"type": "string", "format": "binary"},
            "layer": {"enum": ["plots", "roads", "networks", "zones"]},
            "source_layer": {"type": "string"}, "crs": {"type": "integer"},
            "mapping": {"type": "string", "description": "JSON of the mapping"},
            **{k: schemas.IMPORT_CHOICES["properties"][k] for k in (
                "encoding", "mapping_name", "save_mapping", "treatment", "mode", "zone")}}}}}}
    upload["responses"]["413"] = _ref("responses/Error")
    report = _op("An import's report as a file (XLSX or CSV, in the request's language)",
                 response="Object",
                 extra=[run, {"name": "fmt", "in": "path", "required": True,
                              "schema": {"enum": ["xlsx", "csv"]}}])
    report["responses"]["200"] = {"description": "the report", "content": {
        media: {"schema": {"type": "string", "format": "binary"}} for media in (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv")}}
    return {
        "/imports": {"post": upload},
        "/imports/{import_id}": {
            "put": _body("Change an open import's choices (planner); the preview again",
                         "Object", schemas.IMPORT_CHOICES, extra=[run]),
            "delete": _status(_op("Cancel an open import (planner); its file is removed",
                                  response="Object", extra=[run]), "204", content=False)},
        "/imports/{import_id}/commit": {"post": _body(
            "Commit an import in one transaction (planner), with last choices; the report",
            "Object", schemas.IMPORT_CHOICES, extra=[run])},
        "/imports/{import_id}/report": {"get": _op(
            "A finished import's report (JSON)", response="Object", extra=[run])},
        "/imports/{import_id}/report.{fmt}": {"get": report},
    }


def _plan_paths() -> dict:
    """The requisition-plan routes (DESIGN §4.8)."""
    from .exporters import FORMATS, POINT_FORMATS

    plan, version = _id("plan_id"), {"name": "version", "in": "query",
                                     "schema": {"type": "integer"},
                                     "description": "plan version (default: current)"}
    only_version = schemas.VERSION_ONLY
    export = _op("Export a plan version (file download)", response="Object",
                 extra=[plan, version,
                        {"name": "format", "in": "query", "required": True,
                         "schema": {"enum": list(FORMATS)}},
                        {"name": "lang", "in": "query", "schema": {"enum": ["zh", "en"]}},
                        {"name": "encoding", "in": "query",
                         "schema": {"enum": ["gbk", "utf-8"]},
                         "description": "txt and shp only; default gbk (shp: DBF code "
                                        "page 936 and a .cpg of 936)"},
                        {"name": "numbering", "in": "query",
                         "schema": {"enum": ["plan", "plot"]},
                         "description": "formats that write boundary points (J numbers: "
                                        + ", ".join(POINT_FORMATS)
                                        + "): once per plan, shared corners one number, "
                                          "or J1 afresh per plot; default the park setting "
                                          "survey.point_numbering"}])
    export["responses"]["200"] = {"description": "the file", "content": {
        f.media_type: {"schema": {"type": "string", "format": "binary"}}
        for f in FORMATS.values()}}
    export["responses"]["422"] = _ref("responses/Error")
    result = _op("A plan version's computed numbers (areas, owners, compensation)",
                 response="Object", extra=[plan, version])
    result["responses"]["422"] = _ref("responses/Error")
    return {
        "/plans": {
            "get": _op("Requisition plans", "park", response="Array"),
            "post": _status(_body("Create a plan (planner)", "Object", schemas.PLAN_CREATE,
                                  "park"), "201"),
        },
        "/plans/{plan_id}": {
            "get": _op("One plan with its versions", response="Object", extra=[plan]),
            "patch": _body("Rename a plan, add or remove plots (planner); a submitted plan "
                           "gets a new draft version", "Object", schemas.PLAN_EDIT,
                           extra=[plan]),
            "delete": _status(_body("Delete a never-submitted plan (planner)", "Object",
                                    only_version, extra=[plan]), "204", content=False),
        },
        "/plans/{plan_id}/submit": {"post": _body(
            "Check, compute and freeze the draft (planner)", "Object", only_version,
            extra=[plan])},
        "/plans/{plan_id}/versions": {"post": _body(
            "Start the next version of a submitted or approved plan as a draft copy of it "
            "(planner); 201 with the plan", "Object", only_version, extra=[plan])},
        "/plans/{plan_id}/approve": {"post": _body(
            "Approve the submitted version (admin)", "Object", only_version, extra=[plan])},
        "/plans/{plan_id}/plots": {"get": _op("The plots of a plan version", extra=[plan,
                                                                                   version])},
        "/plans/{plan_id}/check": {"get": _op("Problems that stop a version's export",
                                              response="Object", extra=[plan, version])},
        "/plans/{plan_id}/result": {"get": result},
        "/plans/{plan_id}/export": {"get": export},
        "/parks/{park_id}/compensation-rates": {"get": _op(
            "The park's compensation rate table", response="Array", extra=[_id("park_id")])},
        "/compensation-rates/{rate_id}": {"patch": _body(
            "Change one row of the rate table (admin, audited)", "Object",
            schemas.RATE_EDIT, extra=[_id("rate_id")])},
    }


def _job_paths() -> dict:
    """Jobs (app/jobs/): the long exports and the recompute, with their progress."""
    from .exporters import FORMATS, LONG_FORMATS

    job = _id("job_id")
    started = ("202 with the job (state, progress, message) and `Location: /api/v1/jobs/"
               "<id>`; ask that URL until `state` is done or failed")
    export = _status(_body(
        "Start a plan version's export as a job (the export's options in the body; the "
        f"plan page runs {', '.join(LONG_FORMATS)} so); " + started, "Object",
        schemas.EXPORT_JOB, extra=[_id("plan_id")]), "202")
    recompute = _status(_body("Start the land status and readiness recompute of one park "
                              "(`park`: code or id) or of every park (admin); " + started,
                              "Object", schemas.RECOMPUTE_JOB), "202")
    result = _op("A finished job's file (named as the export's download names it)",
                 response="Object", extra=[job])
    result["responses"]["200"] = {"description": "the file", "content": {
        f.media_type: {"schema": {"type": "string", "format": "binary"}}
        for f in FORMATS.values()}}
    mine = _op("The jobs I started, newest first (at most 100)", response="Array", extra=[
        {"name": "plan", "in": "query", "schema": {"type": "integer"},
         "description": "only this plan's"},
        {"name": "active", "in": "query", "schema": {"enum": ["1"]},
         "description": "1: only queued and running ones"}])
    return {
        "/plans/{plan_id}/export-jobs": {"post": export},
        "/recompute-jobs": {"post": recompute},
        "/jobs": {"get": mine},
        "/jobs/{job_id}": {"get": _op(
            "A job: state (queued, running, done, failed), progress (done of total, "
            "percent), message in the user's language, result_url once done; 404 to anyone "
            "but the asker and admins", response="Object", extra=[job])},
        "/jobs/{job_id}/result": {"get": result},
    }


def _document_head() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "ParkAtlas API", "version": "1.0.0",
                 "description": "园区一张图: plots, zones, roads, utility networks and projects "
                                "of industrial parks as GeoJSON (EPSG:4326). Areas are computed "
                                "in each park's CGCS2000 Gauss-Krüger CRS."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"session": []}, {"bearer": []}],
    }


def _filter(f: Filter) -> dict:
    """The query parameter of a layer filter."""
    schema = ({"enum": list(f.choices)} if f.choices else
              {"type": "boolean" if f.kind == "boolean" else "string"})
    return {"name": f.name, "in": "query", "schema": schema,
            **({"description": f.description} if f.description else {})}


def _layer_op(layer: Layer) -> dict:
    """The list operation of a feature layer, from its description in app.layers."""
    params = ["park", *(["bbox"] if layer.bbox else []), "limit", "after", "offset",
              *(["as_of"] if layer.as_of else [])]
    return _op(layer.title, *params, extra=[_filter(f) for f in layer.filters])


def _paths(edit: dict) -> dict:
    return {
            "/parks": {"get": _op("Parks")},
            "/parks/{park_id}": {"get": _op("One park with settings", response="Feature",
                                            extra=[_id("park_id")])},
            **{f"/{name}": {"get": _layer_op(layer)} for name, layer in LAYERS.items()},
            "/plots/{plot_id}": {"get": _op("One plot with its status and readiness",
                                            "as_of", response="Feature",
                                            extra=[_id("plot_id")]),
                                 "patch": edit},
            "/status/summary": {"get": _kept(_op("Count and area (亩) per stage, flag and "
                                                 "readiness level", "park", "as_of",
                                                 response="Object"))},
            "/idle": {"get": _op("Idle and soon-idle plots with their legal clock", "park",
                                 "as_of", response="Object")},
            "/readiness/priority": {"get": _kept(_op("Planned roads and networks ranked by "
                                                     "the land they would serve", "park",
                                                     "as_of"))},
            "/indicators": {"get": _op(
                "Park indicators (DESIGN §4.6: development, supply and built rates, plot "
                "ratio, investment intensity, tax per area, idle disposal, land left) for "
                "the park and each zone, each with its formula and the plots behind it",
                "park", "as_of", response="Object",
                extra=[_ZONE])},
            "/indicators/{key}/plots": {"get": _op(
                "The plots behind one indicator's number: the numerator's (set=plots), the "
                "base's (base_plots) or the base's lacking the figure (missing_plots)",
                "park", "as_of", response="Object", extra=[
                    {"name": "key", "in": "path", "required": True,
                     "schema": {"type": "string"}}, _ZONE,
                    {"name": "set", "in": "query", "schema": {
                        "enum": ["plots", "base_plots", "missing_plots"],
                        "default": "plots"}}])},
            "/evaluation": {"get": _op(
                "亩均效益 of a kept year (the latest by default): operating enterprises ranked "
                "by a score of tax, output and investment per 亩, classed A–D, with the class "
                "totals", "park", response="Object", extra=[
                    {"name": "year", "in": "query", "schema": {"type": "integer"}}, _ZONE,
                    {"name": "class", "in": "query",
                     "schema": {"enum": ["A", "B", "C", "D", "none"]}},
                    {"name": "industry", "in": "query",
                     "schema": {"type": "string", "pattern": "^[0-9]{2,4}$"}}])},
            "/evaluation/trend": {"get": _op(
                "One enterprise's kept years (its figures, score, rank and class)", "park",
                response="Object", extra=[
                    {"name": "enterprise", "in": "query", "required": True,
                     "schema": {"type": "string", "pattern": "^(project|plot):[0-9]+$"}}])},
    }


def _components() -> dict:
    return {
            "parameters": _PARAMS,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "personal token from `parkatlas user token NAME`"}},
            "responses": {"Error": {"description": "an error", "content": {"application/json": {
                "schema": _ref("schemas/Error")}}}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                    "type": "object", "required": ["code", "message"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
                "Object": {"type": "object"},
                "Array": {"type": "array", "items": {"type": "object"}},
                "Feature": {"type": "object", "required": ["type", "geometry", "properties"],
                            "properties": {"type": {"const": "Feature"},
                                           "id": {"type": "integer"},
                                           "geometry": {"type": ["object", "null"]},
                                           "properties": {"type": "object"}}},
                "FeatureCollection": {
                    "type": "object", "required": ["type", "features"],
                    "properties": {"type": {"const": "FeatureCollection"},
                                   "features": {"type": "array",
                                                "items": _ref("schemas/Feature")},
                                   "numberMatched": {"type": "integer"},
                                   "numberReturned": {"type": "integer"},
                                   "links": {"type": "array"}}},
            },
    }


def landing(url_for) -> dict:
    """Links to the API's collections."""
    names = ("park_list", "zone_list", "plot_list", "road_list", "network_list", "project_list")
    links = [{"rel": "data", "href": url_for(f"api.{n}"), "title": n.removesuffix("_list")}
             for n in names]
    links.append({"rel": "service-desc", "href": url_for("api.openapi_document"),
                  "type": "application/vnd.oai.openapi+json;version=3.1"})
    return {"title": "ParkAtlas API", "links": links}
