"""亩均效益 evaluation (issue 15 item 3): a kept year's ranked enterprises with the class
totals, and one enterprise's classes over the years."""

from __future__ import annotations

from flask import jsonify, request

from .. import params
from ..auth import access
from ..evaluation import evaluation
from ..web_db import get_db
from . import bp, park


@bp.get("/evaluation")
@access("viewer")
def evaluation_list():
    return jsonify(evaluation.ranked(get_db(), park(required=True),
                                     params.evaluation(request.args)))


@bp.get("/evaluation/trend")
@access("viewer")
def evaluation_trend():
    enterprise = params.enterprise(request.args, required=True)
    return jsonify({"enterprise": enterprise,
                    "years": evaluation.trend(get_db(), park(required=True), enterprise)})
