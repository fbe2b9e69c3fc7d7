"""Dashboard routes (thin): the page, its plots behind a number, its XLSX and PDF.

- GET /dashboard?park=&zone= → the page (viewer and above)
- GET /dashboard/plots?park=&zone=&key=&set= → the plots behind one number, a list with
  links to each plot's page and to the map
- GET /dashboard/export?park=&zone=&kind=xlsx|pdf → the 集约利用评价 tables
"""

from __future__ import annotations

import json
import time
from contextlib import suppress
from urllib.parse import quote

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext

from .. import answers, labels, params, parks
from ..auth import access
from ..errors import localized
from ..i18n import current_language
from ..indicators import indicator
from ..web_db import answer, get_db
from . import document, overview

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

DOWNLOADS = {"xlsx": (document.xlsx, document.XLSX), "pdf": (document.pdf, document.PDF)}


def _park() -> dict:
    conn = get_db()
    return parks.get(conn, params.park(conn, request.args.get("park"), True))["properties"]


@bp.get("")
@access("viewer")
def page():
    park = _park()
    return render_template("dashboard.html", park=park, labels=labels,
                           found=localized(_overview(park["id"]), gettext))


@bp.get("/plots")
@access("viewer")
def plots_page():
    park = _park()
    found = indicator.plots(get_db(), park["id"], request.args.get("key"), None, _zone(),
                            params.text(request.args, "set"))
    return render_template("dashboard_plots.html", park=park, labels=labels,
                           found=localized(found, gettext),
                           formula=gettext(indicator.INDICATORS[found["key"]].formula))


@bp.get("/export")
@access("viewer")
def export():
    kind = params.export_kind(request.args.get("kind"), DOWNLOADS)
    park, lang = _park(), current_language()
    writer, media_type = DOWNLOADS[kind]
    body = writer(_overview(park["id"]), park, lang)
    name = f'{park["code"]}-{"集约利用评价" if lang == "zh" else "indicators"}'
    return body, 200, {
        "Content-Type": media_type,
        "Content-Disposition": f'attachment; filename="{park["code"]}-indicators.{kind}"; '
                               f"filename*=UTF-8''{quote(name)}.{kind}"}


def _overview(park_id: int) -> dict:
    """The dashboard with its whole-park parts kept per data version (app.answers): a page
    after an edit on a big park waits for them, or says they are being computed (503).
    The parts are all started first and then waited for within one time limit, so the
    request never waits for them one after another past the worker's timeout."""
    for kind in overview.KEPT:
        with suppress(answers.Computing):
            answer(park_id, kind, wait=0)
    deadline = time.monotonic() + current_app.config["ANSWER_WAIT_SECONDS"]
    return overview.overview(get_db(), park_id, _zone(), lambda kind: json.loads(
        answer(park_id, kind, wait=max(0.0, deadline - time.monotonic()))))


def _zone() -> str | None:
    return params.text(request.args, "zone")
