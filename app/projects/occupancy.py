"""The plots a project occupies (DESIGN §4.7, issue 12 item 2): its map of them, the park's
plots mostly inside a drawn polygon, the conflict warnings of DESIGN §4.4 (double claim,
zoning, use: `project_plot_conflicts()`, sql/source/14_project_plots.sql) and the save.

Saving names the whole selection (the plot ids the project is to occupy) at the project's
version. When the selection has conflicts the save is refused with the warnings (422,
code `plot_conflicts`, each warning with its plot code and the other projects) unless a
reason is given; the reason is stored on the links it was given for (audited like every
project_plots row). The links' triggers recompute the plots' status. Free of Flask."""

from __future__ import annotations

import psycopg

from .. import requisition
from ..db import queries
from ..errors import NOTE_MAX, BadRequest, NotFound, Text, Unprocessable
from ..labels import N_
from . import records

MAX_PLOTS = 5000
FIELDS = {"plot_ids": N_("Plots"), "reason": N_("Reason for accepting the conflicts"),
          "polygon": N_("Drawn polygon")}
KINDS = {"double_claim": N_("Double claim"), "zoning": N_("Zoning conflict"),
         "use": N_("Use conflict")}
WARNINGS = {
    "double_claim": N_("%(kind)s: plot %(plot)s is already occupied by %(others)s "
                       "(%(claimed)s m² claimed of %(area)s m²)"),
    "zoning": N_("%(kind)s: plot %(plot)s lies in zone %(zone)s, which admits %(admitted)s, "
                 "not the project's industry %(industry)s"),
    "use": N_("%(kind)s: the planned use of plot %(plot)s is %(use)s, not a use the "
              "project's industry %(industry)s needs (%(uses)s)"),
}
NEEDS_REASON = N_("The selection has %(count)s conflict warnings: change it, or save "
                  "anyway with a reason")
NOT_IN_PARK = N_("no plot with id %(ids)s in the project's park")

SAVE = {"type": "object", "additionalProperties": False, "required": ["plot_ids"],
        "properties": {
            "version": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
            "plot_ids": {"type": "array", "maxItems": MAX_PLOTS,
                         "items": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}},
            "reason": {"anyOf": [{"type": "string", "maxLength": NOTE_MAX},
                                 {"type": "null"}]}}}
INSIDE = {"type": "object", "additionalProperties": False, "required": ["polygon"],
          "properties": {"polygon": {"type": "object"}}}


def _park_of(conn: psycopg.Connection, project_id: int) -> int:
    row = queries().projects.get(conn, id=project_id)
    if row is None:
        raise NotFound(Text(records.NOT_FOUND, what=Text(records.PROJECT, id=project_id)))
    return row["park_id"]


def plot_map(conn: psycopg.Connection, project_id: int, as_of=None) -> dict:
    """The project's plots as a GeoJSON FeatureCollection (lon/lat) with their stage and
    flags as of the date, the project's version and the occupied area (m², 亩)."""
    _park_of(conn, project_id)
    collection = queries().projects.plot_map(conn, id=project_id, as_of=as_of)
    area = sum(f["properties"]["area_m2"] or 0 for f in collection["features"])
    version = queries().projects.version(conn, id=project_id)
    return {**collection, "version": version, "area_m2": area, "area_mu": area * 15 / 10000}


def inside(conn: psycopg.Connection, project_id: int, body: dict) -> dict:
    """The plots of the project's park mostly inside a drawn polygon (more than half of a
    plot's GK area, the rule of a requisition plan's selection), as GeoJSON features with
    their areas."""
    park_id = _park_of(conn, project_id)
    polygon = records.check(INSIDE, body, FIELDS)["polygon"]
    ids = requisition.select_plots(conn, park_id, {"polygon": polygon})
    return queries().projects.plot_features(conn, park_id=park_id, plot_ids=ids)


def conflicts(conn: psycopg.Connection, project_id: int, plot_ids: list[int],
              lang: str = "zh") -> list[dict]:
    """The warnings the project would have on these plots: kind, plot (id, code), the
    other projects of a double claim, and the message (a Text) naming them."""
    suffix = "en" if lang == "en" else "zh"
    found = []
    for row in queries().projects.plot_conflicts(conn, id=project_id, plot_ids=plot_ids):
        d = row["details"]
        values = {"kind": Text(KINDS[row["kind"]]), "plot": row["plot_code"]}
        if row["kind"] == "double_claim":
            values.update(others=("、" if suffix == "zh" else ", ").join(
                f'{o["code"]} {o["name"]}' for o in row["others"]),
                claimed=f'{d["claimed_m2"]:,.2f}', area=f'{d["area_m2"]:,.2f}')
        elif row["kind"] == "zoning":
            values.update(zone=f'{d["zone"]} {d["zone_name_" + suffix]}',
                          admitted=d["admitted_" + suffix], industry=d["industry_" + suffix])
        else:
            values.update(use=d["planned_use_" + suffix], industry=d["industry_" + suffix],
                          uses=d["uses_" + suffix])
        found.append({"kind": row["kind"], "plot_id": row["plot_id"],
                      "plot_code": row["plot_code"], "others": row["others"],
                      "message": Text(WARNINGS[row["kind"]], **values)})
    return found


def save(conn: psycopg.Connection, project_id: int, version: int, body: dict,
         lang: str = "zh") -> int:
    """Make the project occupy exactly the plots `body["plot_ids"]` if nobody changed the
    project since `version` was read; returns the new version. Conflicts refuse the save
    (422 with the warnings) unless `body["reason"]` gives a reason, which is then stored
    on the conflicting plots' links."""
    park_id = _park_of(conn, project_id)
    values = records.check(SAVE, body, FIELDS)
    plot_ids = list(dict.fromkeys(values["plot_ids"]))
    reason = (values.get("reason") or "").strip() or None
    known = {r["id"] for r in queries().projects.plot_ids(conn, park_id=park_id,
                                                           plot_ids=plot_ids)}
    unknown = [i for i in plot_ids if i not in known]
    if unknown:
        raise BadRequest(Text(NOT_IN_PARK, ids=", ".join(map(str, unknown))),
                         details={"field": "plot_ids", "unknown": unknown})

    def action():
        if queries().projects.version(conn, id=project_id) != version:
            return None
        warnings = conflicts(conn, project_id, plot_ids, lang)
        if warnings and reason is None:
            raise Unprocessable(Text(NEEDS_REASON, count=len(warnings)),
                                code="plot_conflicts", details={"warnings": warnings})
        return queries().projects.plots_save(
            conn, id=project_id, version=version, plot_ids=plot_ids, reason=reason,
            reason_plot_ids=sorted({w["plot_id"] for w in warnings}))

    return records.write(conn, action, fields=FIELDS,
                         what=Text(records.PROJECT, id=project_id), version=version,
                         current=lambda: _current(conn, project_id))


def _current(conn: psycopg.Connection, project_id: int) -> dict | None:
    """The project's plots and version now (what a 409 carries)."""
    version = queries().projects.version(conn, id=project_id)
    if version is None:
        return None
    plots = list(queries().projects.plots(conn, id=project_id))
    return {"version": version, "plot_ids": [p["id"] for p in plots],
            "plot_codes": [p["code"] for p in plots]}
