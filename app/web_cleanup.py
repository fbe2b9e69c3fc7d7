"""The clean-up lists' pages (issue 15 item 4): one page a list, as tabs, with its filters,
sort and XLSX export; and the disposal form (item 5), opened from the idle and
low-efficiency lists and the plot page. Plain HTML: the filters are a GET form, the
decision a POST that calls app.disposal.decision and, when refused (a bad value, a stale
version), shows the form again with the message, what was typed and, on a 409, the plot's
decisions as they are now."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from . import labels, params, parks
from .auth import access, request_can
from .cleanup import lists, workbook
from .db import queries
from .disposal import decision
from .errors import AtlasError
from .i18n import current_language
from .projects.report import XLSX
from .web_db import get_db
from .web_projects import _zone_label

bp = Blueprint("cleanup", __name__)


def _context(name: str, args) -> dict:
    """What a list's page shows: the park, the list as of the date with the query string's
    filters, the filters' choices, the columns."""
    conn = get_db()
    lists.check_list(name)
    park = parks.get(conn, params.park(conn, args.get("park"), required=True))["properties"]
    filters = params.cleanup_filters(args)
    found = lists.listing(conn, park["id"], name, params.as_of(args.get("as_of")), filters)
    lang = current_language()
    return {"park": park, "list": name, "lists": lists.LISTS, "found": found,
            "kinds": lists.KINDS[name], "sorts": lists.SORTS, "filters": filters,
            "zone_options": [(z["code"], _zone_label(z, lang))
                             for z in queries().plots.zones(conn, park_id=park["id"])],
            "args": {k: v for k, v in args.items() if v}, "lang": lang, "labels": labels,
            "columns": workbook.columns(name), "headings": workbook.H,
            "failing_text": lambda f: lists.failing_text(f, lang),
            "disposal_text": lambda r: workbook.disposal_text(r, lang),
            "can_dispose": request_can("planner") and name in ("idle", "low_efficiency")}


@bp.get("/cleanup/<list>")
@access("viewer")
def page(list: str):  # noqa: A002 — the URL's word
    return render_template("cleanup.html", **_context(list, request.args))


@bp.get("/cleanup/<list>/export.xlsx")
@access("viewer")
def export(list: str):  # noqa: A002
    conn = get_db()
    name = lists.check_list(list)
    park = parks.get(conn, params.park(conn, request.args.get("park"), required=True))
    lang = current_language()
    as_of = params.as_of(request.args.get("as_of"))
    body = workbook.xlsx(conn, park["properties"], name, as_of,
                         params.cleanup_filters(request.args), lang)
    local = f'{park["properties"]["name"]}_{gettext(lists.LISTS[name])}'
    return body, 200, {
        "Content-Type": XLSX,
        "Content-Disposition": f'attachment; filename="{park["properties"]["code"]}-{name}'
                               f'.xlsx"; filename*=UTF-8\'\'{quote(local)}.xlsx'}


@bp.get("/plots/<int:plot_id>/disposal")
@access("planner")
def disposal_form(plot_id: int):
    return _form(plot_id, {}, None)


@bp.post("/plots/<int:plot_id>/disposal")
@access("planner")
def disposal_save(plot_id: int):
    typed = {k: v for k, v in params.record_form(request.form, numbers=("amount",)).items()
             if k != "back"}
    back = request.form.get("back") or url_for("web.plot_page", plot_id=plot_id)
    try:
        decision.record(get_db(), plot_id, {"version": params.form_version(request.form),
                                            "properties": typed})
    except AtlasError as exc:
        exc.localize(gettext)
        return _form(plot_id, typed, exc), exc.status
    flash(gettext("Decision recorded."), "info")
    return redirect(back if back.startswith("/") and not back.startswith("//") else "/")


def _form(plot_id: int, typed: dict, error: AtlasError | None):
    found = decision.form(get_db(), plot_id)
    return render_template("disposal_form.html", **found, typed=typed, error=error,
                           kinds=labels.DISPOSALS, fields=decision.FIELDS,
                           back=request.values.get("back") or "")
