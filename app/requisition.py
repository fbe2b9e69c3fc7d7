"""Land-requisition plans (征地方案, DESIGN §4.8): plots chosen, versions, checks, numbers.

A plan belongs to one park and has versions. The current version is a draft that
planners edit; submitting it runs the checks, computes its `PlanResult` and freezes it
(stored as JSON, so it exports later exactly as it was); an admin approves it. Editing a
submitted or approved plan starts the next version as a draft copy of the last one.

Areas are GK areas from PostGIS; money is Decimal, rounded to the fen per plot and
component, and every total is the sum of those rounded amounts, so every export adds up.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import psycopg
import shapely

from . import clock, labels, schemas
from .db import queries, transaction
from .errors import NO_PARK, BadRequest, Conflict, Forbidden, NotFound, Text, Unprocessable, stale
from .labels import N_
from .plan_result import (
    Compensation,
    ContextFeature,
    ExcludedPlot,
    PlanPlot,
    PlanResult,
    PricePiece,
    Survey,
    to_mu,
    yuan,
)

STATUSES = ("draft", "submitted", "approved")
SELECTION_KINDS = ("project", "zone", "polygon", "codes")
# How far around the plan the map sheet shows roads, zones and neighbouring plots.
CONTEXT_MARGIN_M = 150.0
NO_PLAN = N_("no requisition plan with id %(id)s")
CODE_LIST = N_("codes must be a list of plot codes")


# --- choosing plots -------------------------------------------------------------------

def parse_selection(selection) -> dict:
    """Check a plot selection: exactly one of project (id), zone (code), polygon (GeoJSON
    Polygon/MultiPolygon in lon/lat) or codes (list of plot codes)."""
    if not isinstance(selection, dict):
        raise BadRequest(Text(N_("the selection must be an object with one of: %(kinds)s"),
                              kinds=", ".join(SELECTION_KINDS)))
    given = [k for k in SELECTION_KINDS if selection.get(k) not in (None, "", [])]
    unknown = sorted(set(selection) - set(SELECTION_KINDS))
    if unknown:
        raise BadRequest(Text(N_("unknown selection keys: %(keys)s; use one of: %(kinds)s"),
                              keys=", ".join(unknown), kinds=", ".join(SELECTION_KINDS)))
    if len(given) != 1:
        raise BadRequest(Text(N_("choose plots one way: give exactly one of %(kinds)s"),
                              kinds=", ".join(SELECTION_KINDS)))
    kind = given[0]
    value = selection[kind]
    if kind == "project":
        try:
            value = int(value)
        except (TypeError, ValueError):
            raise BadRequest(Text(N_("project must be a project id, not %(value)s"),
                                  value=repr(value))) from None
    elif kind == "zone":
        if not isinstance(value, str):
            raise BadRequest(Text(N_("zone must be a zone code, not %(value)s"),
                                  value=repr(value)))
    elif kind == "polygon":
        if not isinstance(value, dict) or value.get("type") not in ("Polygon", "MultiPolygon"):
            raise BadRequest(Text(N_("polygon must be a GeoJSON Polygon or MultiPolygon in "
                                     "lon/lat")))
        schemas.check(schemas.GEOMETRY, value, "selection.polygon")
    else:
        if isinstance(value, str):
            value = [c for c in value.replace(",", " ").replace("，", " ").split() if c]
        if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
            raise BadRequest(Text(CODE_LIST))
        value = list(dict.fromkeys(c.strip() for c in value if c.strip()))
    return {kind: value}


def select_plots(conn: psycopg.Connection, park_id: int, selection: dict) -> list[int]:
    """The ids of the park's plots a selection names; unknown codes or an empty result are
    refused with what was not found."""
    sel = parse_selection(selection)
    kind, value = next(iter(sel.items()))
    if kind == "polygon":
        value = schemas.polygon(conn, value, "selection.polygon")
    rows = list(queries().requisition.select_plot_ids(
        conn, park_id=park_id, project_id=value if kind == "project" else None,
        zone=value if kind == "zone" else None,
        polygon=json.dumps(value) if kind == "polygon" else None,
        codes=value if kind == "codes" else None))
    if kind == "codes":
        missing = sorted(set(value) - {r["code"] for r in rows})
        if missing:
            raise BadRequest(Text(N_("no plot with code %(codes)s in this park"),
                                  codes=", ".join(missing)),
                             details={"unknown_codes": missing})
    if not rows:
        what = {"project": N_("project %(value)s"), "zone": N_("zone %(value)s"),
                "polygon": N_("the drawn polygon"), "codes": N_("the codes")}[kind]
        raise BadRequest(Text(N_("%(what)s selects no plot of this park"),
                              what=Text(what, value=value)))
    return [r["id"] for r in rows]


def land_class_names(conn: psycopg.Connection, lang: str) -> dict[str, str]:
    """Land class code → its name in `lang` ('zh' or 'en')."""
    return {r["code"]: r["name_en"] if lang == "en" else r["name_zh"]
            for r in queries().requisition.land_class_names(conn)}


def choices(conn: psycopg.Connection, park_id: int) -> dict:
    """The zones and projects of a park a plan can be made from."""
    return {"zones": list(queries().requisition.zone_choices(conn, park_id=park_id)),
            "projects": list(queries().requisition.project_choices(conn, park_id=park_id))}


# --- plans and versions ---------------------------------------------------------------

# --- who reads what (issues 9 and 11) -----------------------------------------------------
# Planners and admins read every plan with its money. A viewer reads a plan that has an
# approved version, shown as of its last approved version (a newer draft stays unseen),
# and only its approved versions: a draft or submitted version, or a plan with no approved
# version, is Forbidden (403: drafts and their per-village money are the planners'). Money
# (compensation, rates, per-village amounts, the rate table) only where the park setting
# access.viewer_sees_money says so. A guest never reaches a plan route; should one reach
# the domain, no plan exists for it (NotFound). `role=None` is the domain's own,
# unrestricted reading.

FULL_READERS = ("planner", "admin")
NO_MONEY = N_("Compensation amounts and rates are not shown to your role.")
DRAFTS_HIDDEN = N_("Plan %(id)s has no approved version yet: draft and submitted plans are "
                   "shown to planners and admins only.")
VERSION_HIDDEN = N_("Version %(version)s of plan %(id)s is not approved: draft and submitted "
                    "versions are shown to planners and admins only.")
NO_MONEY_EXPORT = N_("This export shows compensation amounts, which are not shown to your role.")
# Export formats that carry no money (coordinates, boundary points and the CAD drawing);
# the others state compensation amounts.
MONEY_FREE_FORMATS = ("txt", "points", "points-csv", "dxf")


def _restricted(role: str | None) -> bool:
    return role is not None and role not in FULL_READERS


def sees_money(conn: psycopg.Connection, park_id: int, role: str | None) -> bool:
    """Whether a role reads compensation amounts and rates of a park's plans."""
    if not _restricted(role):
        return True
    settings = queries().parks.settings(conn, id=park_id) or {}
    return role == "viewer" and bool((settings.get("access") or {}).get("viewer_sees_money"))


def _no_money(conn: psycopg.Connection, park_id: int, role: str | None) -> None:
    if not sees_money(conn, park_id, role):
        raise Forbidden(Text(NO_MONEY))


def list_plans(conn: psycopg.Connection, park_id: int | None = None,
               role: str | None = None) -> list[dict]:
    """Every plan (of a park) the role may read, newest first, with the plot count and
    area of the version the role is shown (a viewer: the last approved one)."""
    if role == "guest":
        return []
    return list(queries().requisition.list_plans(conn, park_id=park_id,
                                                 approved_only=_restricted(role)))


def get(conn: psycopg.Connection, plan_id: int, role: str | None = None) -> dict:
    """One plan with its versions, as the role may read them: for a viewer as of its last
    approved version (`current_version`, `status`), with its approved versions only."""
    plan = queries().requisition.get_plan(conn, id=plan_id)
    if plan is None or role == "guest":
        raise NotFound(Text(NO_PLAN, id=plan_id))
    plan = dict(plan)
    plan["versions"] = list(queries().requisition.plan_versions(conn, plan_id=plan_id))
    if _restricted(role):
        plan["versions"] = [v for v in plan["versions"] if v["status"] == "approved"]
        if not plan["versions"]:
            raise Forbidden(Text(DRAFTS_HIDDEN, id=plan_id))
        plan["current_version"] = plan["versions"][-1]["version_no"]
        plan["status"] = "approved"
    return plan


def summary(conn: psycopg.Connection, result: PlanResult, role: str | None = None) -> dict:
    """The plan's numbers as the role may read them: without any compensation amount when
    it may not see money."""
    data = result.summary()
    if sees_money(conn, result.park_id, role):
        return data
    data.pop("compensation")
    for row in (*data["by_owner"], *data["plots"]):
        row.pop("compensation")
    return data


def export_format(conn: psycopg.Connection, result: PlanResult, fmt: str,
                  role: str | None = None) -> str:
    """The export format, if the role may download it: one that carries money only for a
    role that sees money."""
    return _money_free(conn, result.park_id, fmt, role)


def _money_free(conn: psycopg.Connection, park_id: int, fmt: str, role: str | None) -> str:
    if fmt in MONEY_FREE_FORMATS or sees_money(conn, park_id, role):
        return fmt
    raise Forbidden(Text(NO_MONEY_EXPORT))


def export_version(conn: psycopg.Connection, plan_id: int, version_no: int | None, fmt: str,
                   role: str | None = None) -> tuple[dict, int]:
    """The plan and the version number (the current one as the role sees it) a role may
    export in format `fmt`: what `compute` and `export_format` refuse, checked without
    computing (an export job checks it when it is asked for)."""
    plan = get(conn, plan_id, role)
    version_no = _version_no(conn, plan, version_no, role)
    _money_free(conn, plan["park_id"], fmt, role)
    return plan, version_no


def create(conn: psycopg.Connection, park_id: int, name: str, selection: dict,
           actor: str | None) -> dict:
    """A new plan (version 1, draft) with the plots a selection names."""
    name = _check_name(name)
    sel = parse_selection(selection)
    with transaction(conn):
        ids = select_plots(conn, park_id, sel)
        try:
            plan_id = queries().requisition.insert_plan(conn, park_id=park_id, name=name,
                                            selection=json.dumps(sel), created_by=actor)["id"]
        except psycopg.errors.UniqueViolation:
            raise Conflict(Text(N_("this park already has a plan called %(name)s"),
                                name=name)) from None
        queries().requisition.insert_version(conn, plan_id=plan_id, version_no=1, created_by=actor)
        queries().requisition.add_plan_plots(conn, plan_id=plan_id, version_no=1, ids=ids)
    return _with_problems(conn, get(conn, plan_id))


def _with_problems(conn, plan: dict) -> dict:
    """A plan as create and edit answer it: with the problems of its current version (a
    plot already in another open plan among them), so the editor learns of them at once."""
    return {**plan, "problems": check(conn, plan["id"])}


def edit(conn: psycopg.Connection, plan_id: int, version: int, *, actor: str | None,
         name: str | None = None, add: dict | None = None,
         remove: Iterable[str] | None = None) -> dict:
    """Rename a plan, add plots (by any selection) or remove plots (by code).

    `version` is the plan row's version the editor read: a stale one is a Conflict. A
    submitted or approved plan gets a new draft version for the edit; the frozen one
    stays as it was.
    """
    if name is None and not add and not remove:
        raise BadRequest(Text(N_("nothing to change: give name, add or remove")))
    with transaction(conn):
        plan = _lock(conn, plan_id, version)
        if name is not None and _check_name(name) == plan["name"]:
            name = None  # a form sends the name it shows: unchanged is no change
            if not add and not remove:
                return _with_problems(conn, get(conn, plan_id))
        version_no = plan["current_version"]
        if (add or remove) and plan["status"] != "draft":
            version_no = _new_version(conn, plan, actor)
        if add:
            ids = select_plots(conn, plan["park_id"], add)
            queries().requisition.add_plan_plots(conn,
                                                 plan_id=plan_id, version_no=version_no, ids=ids)
        if remove:
            if not isinstance(remove, str | list | tuple):
                raise BadRequest(Text(CODE_LIST))
            codes = parse_selection({"codes": remove if isinstance(remove, str)
                                     else list(remove)})["codes"]
            ids = select_plots(conn, plan["park_id"], {"codes": codes})
            queries().requisition.remove_plan_plots(conn,
                                                    plan_id=plan_id, version_no=version_no, ids=ids)
        queries().requisition.set_plan(conn, id=plan_id, version=plan["version"],
                           name=_check_name(name) if name is not None else None,
                           status="draft" if version_no != plan["current_version"] else None,
                           current_version=version_no)
    return _with_problems(conn, get(conn, plan_id))


def submit(conn: psycopg.Connection, plan_id: int, version: int, actor: str | None) -> dict:
    """Check and compute the draft version, freeze its result and mark it submitted."""
    with transaction(conn):
        plan = _lock(conn, plan_id, version)
        if plan["status"] != "draft":
            raise Conflict(Text(N_("plan %(id)s is %(status)s already; edit it to start a new "
                                   "version"), id=plan_id, status=_status(plan)))
        result = _compute_live(conn, plan_id, plan["current_version"], author=actor,
                               status="submitted")
        _refuse_double(conn, plan, N_("plan %(id)s version %(version)s cannot be submitted: "
                                      "%(problems)s"))
        queries().requisition.freeze_version(conn,
                                             plan_id=plan_id, version_no=plan["current_version"],
                                 result=result.to_json(), submitted_by=actor)
        queries().requisition.set_plan(conn, id=plan_id, version=plan["version"], name=None,
                           status="submitted", current_version=None)
    return get(conn, plan_id)


def approve(conn: psycopg.Connection, plan_id: int, version: int, actor: str | None) -> dict:
    """Approve the submitted version (the route lets only admins call this)."""
    with transaction(conn):
        plan = _lock(conn, plan_id, version)
        if plan["status"] != "submitted":
            raise Conflict(Text(N_("plan %(id)s is %(status)s; only a submitted plan can be "
                                   "approved"), id=plan_id, status=_status(plan)))
        _refuse_double(conn, plan, N_("plan %(id)s version %(version)s cannot be approved: "
                                      "%(problems)s"))
        queries().requisition.approve_version(conn,
                                              plan_id=plan_id, version_no=plan["current_version"],
                                  approved_by=actor)
        queries().requisition.set_plan(conn, id=plan_id, version=plan["version"], name=None,
                           status="approved", current_version=None)
    return get(conn, plan_id)


def new_version(conn: psycopg.Connection, plan_id: int, version: int,
                actor: str | None) -> dict:
    """Start the next version of a submitted or approved plan as a draft copy of its
    current one (the frozen version stays as it was; a submitted one is then no longer up
    for approval). The plan page's "start a new version"; an API edit with plots to add or
    remove does the same on its way."""
    with transaction(conn):
        plan = _lock(conn, plan_id, version)
        if plan["status"] == "draft":
            raise Conflict(Text(N_("plan %(id)s is a draft already: edit version %(version)s"),
                                id=plan_id, version=plan["current_version"]))
        version_no = _new_version(conn, plan, actor)
        queries().requisition.set_plan(conn, id=plan_id, version=plan["version"], name=None,
                                       status="draft", current_version=version_no)
    return _with_problems(conn, get(conn, plan_id))


def delete(conn: psycopg.Connection, plan_id: int, version: int) -> None:
    """Delete a plan that was never submitted (a submitted one is a record: it stays)."""
    with transaction(conn):
        plan = _lock(conn, plan_id, version)
        frozen = [v for v in queries().requisition.plan_versions(conn, plan_id=plan_id)
                  if v["status"] != "draft"]
        if frozen:
            raise Conflict(Text(N_("plan %(id)s has been submitted (version %(version)s) and "
                                   "cannot be deleted"), id=plan_id,
                                version=frozen[0]["version_no"]))
        queries().requisition.delete_plan(conn, id=plan_id, version=plan["version"])


def plots_geojson(conn: psycopg.Connection, plan_id: int, version_no: int | None = None,
                  role: str | None = None) -> dict:
    """The plots of a plan version as GeoJSON (lon/lat), for its map."""
    plan = get(conn, plan_id, role)
    version_no = _version_no(conn, plan, version_no, role)
    return queries().requisition.plan_geojson(conn,
                                              plan_id=plan_id, version_no=version_no)["collection"]


# --- the numbers ----------------------------------------------------------------------

def compute(conn: psycopg.Connection, plan_id: int, version_no: int | None = None,
            on: date | None = None, role: str | None = None) -> PlanResult:
    """The plan's result: frozen versions as they were submitted, the draft computed now.

    A draft with problems (overlaps, invalid geometry, plots of another park, no price
    zone or rate) is refused with the list of offending plots; already requisitioned plots
    are left out and listed in the result.
    """
    plan = get(conn, plan_id, role)
    version_no = _version_no(conn, plan, version_no, role)
    row = queries().requisition.get_version(conn, plan_id=plan_id, version_no=version_no)
    if row["result"] is not None:
        frozen = PlanResult.from_json(row["result"])
        return dataclasses.replace(frozen, status=row["status"])
    with transaction(conn):
        return _compute_live(conn, plan_id, version_no, author=row["created_by"], on=on)


def check(conn: psycopg.Connection, plan_id: int, version_no: int | None = None,
          role: str | None = None) -> list[dict]:
    """The problems that stop a version from being exported, submitted or approved (empty
    if none): those of its plots, and plots already in another open plan."""
    plan = get(conn, plan_id, role)
    version_no = _version_no(conn, plan, version_no, role)
    row = queries().requisition.get_version(conn, plan_id=plan_id, version_no=version_no)
    if row["status"] == "approved":
        return []
    doubles = in_other_plans(conn, plan_id, version_no)
    if row["result"] is not None:
        return doubles
    plots = list(queries().requisition.plan_plots(conn, plan_id=plan_id, version_no=version_no))
    pieces = list(queries().requisition.plan_price_pieces(conn,
                                                          plan_id=plan_id, version_no=version_no))
    return _problems(conn, plan, version_no, plots, _by_plot(pieces),
                     clock.park_today(conn, plan["park_id"])) + doubles


def in_other_plans(conn: psycopg.Connection, plan_id: int, version_no: int) -> list[dict]:
    """Plots of a plan version that are also in another plan of the park, open (draft or
    submitted) or approved, while the plot's requisition is not recorded yet (a
    requisitioned plot is left out of every plan); one problem per plot and other plan
    (kind `in_other_plan`). They do not stop the numbers or the exports of a draft, but a
    version with any of them is neither submitted nor approved: the same land must not go
    to the land bureau twice. Taking the plot out of either plan, deleting the other draft,
    or recording the plot's 征收 date clears it."""
    return [{"code": r["code"], "kind": "in_other_plan",
             "other_plan": {"id": r["other_id"], "name": r["other_name"],
                            "status": r["other_status"], "version": r["other_version"]},
             "problem": Text(N_("also in plan %(name)s (%(status)s, version %(version)s)"),
                             name=r["other_name"],
                             status=Text(labels.PLAN_STATUSES[r["other_status"]]),
                             version=r["other_version"])}
            for r in queries().requisition.plan_in_other_plans(conn, plan_id=plan_id,
                                                               version_no=version_no)]


def _refuse_double(conn, plan: dict, message: str) -> None:
    """Refuse to submit or approve a version with plots in another open plan."""
    doubles = in_other_plans(conn, plan["id"], plan["current_version"])
    if doubles:
        raise Unprocessable(Text(message, id=plan["id"], version=plan["current_version"],
                                 problems=_listed(doubles)),
                            code="plan_in_other_plan", details={"problems": doubles})


def _compute_live(conn, plan_id: int, version_no: int, *, author: str | None,
                  status: str | None = None, on: date | None = None) -> PlanResult:
    plan = get(conn, plan_id)
    on = on or clock.park_today(conn, plan["park_id"])
    plots = list(queries().requisition.plan_plots(conn, plan_id=plan_id, version_no=version_no))
    pieces = _by_plot(queries().requisition.plan_price_pieces(conn, plan_id=plan_id,
                                                  version_no=version_no))
    problems = _problems(conn, plan, version_no, plots, pieces, on)
    if problems:
        listed = Text(N_("%(problems)s (and %(more)s more)"), problems=_listed(problems[:10]),
                      more=len(problems) - 10) if len(problems) > 10 else _listed(problems)
        raise Unprocessable(
            Text(N_("plan %(id)s version %(version)s cannot be exported: %(problems)s"),
                 id=plan_id, version=version_no, problems=listed),
            code="plan_rejected", details={"problems": problems})
    excluded, included = [], []
    for p in plots:
        if _requisitioned(p, on):
            excluded.append(ExcludedPlot(p["code"], "requisitioned", p["area_m2"],
                                         p["requisitioned_on"]))
        else:
            included.append(_plan_plot(p, pieces.get(p["id"], [])))
    if not included:
        raise Unprocessable(Text(N_("plan %(id)s version %(version)s has no plot left to "
                                    "requisition: %(n)s already requisitioned"),
                                 id=plan_id, version=version_no, n=len(excluded)),
                            code="plan_rejected",
                            details={"problems": [
                                {"code": e.code, "kind": "requisitioned",
                                 "problem": Text(N_("already requisitioned"))}
                                for e in excluded]})
    context = tuple(
        ContextFeature(r["kind"], r["label"], shapely.from_wkb(r["wkb"]), r["status"])
        for r in queries().requisition.plan_context(conn, plan_id=plan_id, version_no=version_no,
                                        margin=CONTEXT_MARGIN_M)
        if r["wkb"] is not None)
    return PlanResult(
        plan_id=plan_id, plan_name=plan["name"], version=version_no,
        status=status or plan_status(plan, version_no), park_id=plan["park_id"],
        park_name=plan["park_name"], organisation=plan["organisation"],
        gk_zone=plan["gk_zone"], gk_epsg=plan["gk_epsg"], computed_on=on, author=author,
        plots=tuple(included), excluded=tuple(excluded), context=context,
        survey=Survey.from_settings(queries().parks.settings(conn, id=plan["park_id"]) or {}))


def _problems(conn, plan: dict, version_no: int, plots: list[dict],
              pieces: dict[int, list[dict]], on: date) -> list[dict]:
    """Every reason the version cannot be computed, one entry per plot and problem."""
    problems: list[dict] = []
    if not plots:
        return [{"code": None, "kind": "empty", "problem": Text(N_("the plan has no plots"))}]
    for p in plots:
        if p["park_id"] != plan["park_id"]:
            problems.append({"code": p["code"], "kind": "other_park",
                             "problem": Text(N_("belongs to another park"))})
    for r in queries().requisition.plan_invalid(conn, plan_id=plan["id"], version_no=version_no):
        problems.append({"code": r["code"], "kind": "invalid_geometry",
                         "problem": Text(N_("invalid geometry: %(reason)s"), reason=r["reason"])})
    for r in queries().requisition.plan_overlaps(conn, plan_id=plan["id"], version_no=version_no):
        problems.append({"code": r["code"], "other": r["other"], "kind": "overlap",
                         "problem": Text(N_("overlaps %(other)s by %(area)s m²"),
                                         other=r["other"], area=f"{r['area_m2']:.2f}")})
    for p in plots:
        if p["owner_type"] == "state" or _requisitioned(p, on):
            continue  # no compensation is computed for these
        if p["land_group"] is None:
            problems.append({"code": p["code"], "kind": "land_class",
                             "problem": Text(N_("land class %(code)s is not a GB/T 21010 class "
                                                "with a compensation group"),
                                             code=p["land_class"] or "-")})
            continue
        mine = pieces.get(p["id"], [])
        if not mine:
            problems.append({"code": p["code"], "kind": "no_price_zone",
                             "problem": Text(N_("lies in no price zone"))})
        for piece in mine:
            if piece["land_price_yuan_mu"] is None:
                problems.append({"code": p["code"], "kind": "no_rate",
                                 "problem": Text(N_("no compensation rate for price zone "
                                                    "%(zone)s and land group %(group)s"),
                                                 zone=piece["price_zone"],
                                                 group=Text(labels.LAND_GROUPS.get(
                                                     p["land_group"], p["land_group"])))})
    return problems


def _plan_plot(p: dict, pieces: list[dict]) -> PlanPlot:
    state = p["owner_type"] == "state"
    made = tuple(
        PricePiece(x["price_zone"], x["area_m2"],
                   *(Decimal(0) if state else x[k] for k in (
                       "land_price_yuan_mu", "crop_yuan_mu", "house_yuan_m2",
                       "social_security_yuan_mu"))) for x in pieces)
    if not state and p["special_crop"]:
        made = tuple(dataclasses.replace(piece, crop_yuan_mu=x["special_crop_yuan_mu"])
                     for piece, x in zip(made, pieces, strict=True))
    return PlanPlot(
        code=p["code"], name=p["name"], land_class=p["land_class"],
        land_class_name=p["land_class_name"], land_group=p["land_group"],
        owner=p["owner"] or ("国有" if state else ""), owner_type=p["owner_type"],
        planned_use=p["planned_use"], planned_use_name=p["planned_use_name"],
        special_crop=p["special_crop"], house_floor_area_m2=p["house_floor_area_m2"],
        area_m2=p["area_m2"], pieces=made, compensation=compensation(p, made),
        geometry=shapely.from_wkb(p["wkb"]))


def compensation(plot: dict, pieces: Iterable[PricePiece]) -> Compensation:
    """A plot's compensation: per piece, 亩 × 元/亩 for land, crops and social security,
    and the house floor area shared by area × 元/m²; state land owes nothing."""
    if plot["owner_type"] == "state":
        return Compensation()
    pieces = list(pieces)
    total_area = sum(p.area_m2 for p in pieces) or 1.0
    land = crops = social = houses = Decimal(0)
    for piece in pieces:
        mu = Decimal(repr(to_mu(piece.area_m2)))
        land += mu * piece.land_price_yuan_mu
        crops += mu * piece.crop_yuan_mu
        social += mu * piece.social_security_yuan_mu
        share = Decimal(repr(piece.area_m2 / total_area))
        houses += Decimal(repr(plot["house_floor_area_m2"])) * share * piece.house_yuan_m2
    return Compensation(yuan(land), yuan(crops), yuan(houses), yuan(social))


# --- rates ----------------------------------------------------------------------------

RATE_FIELDS = ("land_price_yuan_mu", "crop_yuan_mu", "special_crop_yuan_mu", "house_yuan_m2",
               "social_security_yuan_mu")


def rates(conn: psycopg.Connection, park_id: int, role: str | None = None) -> list[dict]:
    """The park's compensation rate table (区片综合地价 and the other rates), for a role
    that sees money."""
    if queries().parks.settings(conn, id=park_id) is None:
        raise NotFound(Text(NO_PARK, id=park_id))
    _no_money(conn, park_id, role)
    return list(queries().requisition.rates(conn, park_id=park_id))


def update_rate(conn: psycopg.Connection, rate_id: int, version: int, values: dict) -> dict:
    """Set one row of the rate table (every rate given, ≥ 0, to the fen); a stale version
    is a Conflict. The audit log records who changed what."""
    if not isinstance(values, dict):
        raise BadRequest(Text(N_("rates must be an object of %(fields)s"),
                              fields=", ".join(RATE_FIELDS)))
    unknown = sorted(set(values) - set(RATE_FIELDS))
    if unknown:
        raise BadRequest(Text(N_("these rate fields do not exist: %(fields)s"),
                              fields=", ".join(unknown)))
    missing = [f for f in RATE_FIELDS if f not in values]
    if missing:
        raise BadRequest(Text(N_("give every rate; missing: %(fields)s"),
                              fields=", ".join(missing)))
    clean = {}
    for field in RATE_FIELDS:
        try:
            amount = Decimal(str(values[field]).strip().replace(",", ""))
        except ArithmeticError:
            raise BadRequest(Text(N_("%(field)s must be a number, not %(value)s"), field=field,
                                  value=repr(values[field]))) from None
        if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
            raise BadRequest(Text(N_("%(field)s must be a number from 0 to 999999999999.99, "
                                     "not %(value)s"), field=field, value=repr(values[field])))
        if amount != amount.quantize(Decimal("0.01")):
            raise BadRequest(Text(N_("%(field)s has more than two decimals: %(value)s"),
                                  field=field, value=repr(values[field])))
        clean[field] = amount
    with transaction(conn):
        new = queries().requisition.update_rate(conn, id=rate_id, version=version, **clean)
        if new is None:
            current = queries().requisition.rate_version(conn, id=rate_id)
            if current is None:
                raise NotFound(Text(N_("no compensation rate with id %(id)s"), id=rate_id))
            raise stale(Text(N_("rate %(id)s"), id=rate_id), current, version)
    return {"id": rate_id, "version": new, **clean}


# --- helpers --------------------------------------------------------------------------

def plan_status(plan: dict, version_no: int) -> str:
    """The status of one version of a plan."""
    for v in plan.get("versions", ()):
        if v["version_no"] == version_no:
            return v["status"]
    return "draft"


def _check_name(name) -> str:
    """A plan's name (API and form): text, at most 100 characters, none of the characters
    the exchange formats cannot carry (schemas.CLEAN_TEXT)."""
    if not isinstance(name, str) or not name.strip():
        raise BadRequest(Text(N_("a plan needs a name")))
    return schemas.check(schemas.PLAN_CREATE["properties"]["name"], name.strip(), "name")


def _lock(conn, plan_id: int, version: int) -> dict:
    plan = queries().requisition.lock_plan(conn, id=plan_id)
    if plan is None:
        raise NotFound(Text(NO_PLAN, id=plan_id))
    if plan["version"] != version:
        raise stale(Text(N_("plan %(id)s"), id=plan_id), plan["version"], version)
    return dict(plan)


def _new_version(conn, plan: dict, actor: str | None) -> int:
    version_no = plan["current_version"] + 1
    q = queries().requisition
    q.insert_version(conn, plan_id=plan["id"], version_no=version_no, created_by=actor)
    q.copy_version_plots(conn, plan_id=plan["id"], from_version=plan["current_version"],
                         to_version=version_no)
    return version_no


def _version_no(conn, plan: dict, version_no: int | None, role: str | None) -> int:
    """The version asked for (default: the current one as the role sees it); one the role
    may not read is Forbidden, one that does not exist NotFound."""
    if version_no is None:
        return plan["current_version"]
    if not any(v["version_no"] == version_no for v in plan["versions"]):
        if _restricted(role) and queries().requisition.get_version(
                conn, plan_id=plan["id"], version_no=version_no) is not None:
            raise Forbidden(Text(VERSION_HIDDEN, id=plan["id"], version=version_no))
        raise NotFound(Text(N_("plan %(id)s has no version %(version)s"), id=plan["id"],
                            version=version_no))
    return version_no


def _status(plan: dict) -> Text:
    return Text(labels.PLAN_STATUSES[plan["status"]])


def _listed(problems: list[dict]) -> Text:
    """'NQ-01-01: overlaps …; NQ-01-02: …' with each problem translated."""
    parts = {f"p{i}": Text(N_("%(code)s: %(problem)s"), code=p["code"] or "-",
                           problem=p["problem"]) for i, p in enumerate(problems)}
    return Text("; ".join(f"%({k})s" for k in parts), **parts)


def _by_plot(pieces) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    for piece in pieces:
        out.setdefault(piece["plot_id"], []).append(piece)
    return out


def _requisitioned(plot: dict, on: date) -> bool:
    return plot["requisitioned_on"] is not None and plot["requisitioned_on"] <= on
