"""Park indicators (DESIGN §4.6) as of a date, for the park and its zones."""

from __future__ import annotations

import json

from flask import jsonify, request
from flask_babel import gettext

from .. import params
from ..auth import access
from ..errors import localized
from ..indicators import indicator
from ..web_db import answer, get_db
from . import as_of, bp, park


@bp.get("/indicators")
@access("viewer")
def indicators():
    park_id, conn = park(required=True), get_db()
    zone = indicator.zone_id(conn, park_id, params.text(request.args, "zone"))
    # the whole park's rows, kept per data version and date (app.answers)
    found = json.loads(answer(park_id, "indicators", as_of()))
    return jsonify(localized(indicator.readings(found, zone), gettext))


@bp.get("/indicators/<key>/plots")
@access("viewer")
def indicator_plots(key: str):
    return jsonify(localized(indicator.plots(get_db(), park(required=True), key, as_of(),
                                             params.text(request.args, "zone"),
                                             params.text(request.args, "set")), gettext))
