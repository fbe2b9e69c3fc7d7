"""What each tile layer draws and carries, as each role sees it.

A `TileLayer` is a query of the features of one park that meet a tile's box: CTEs it
needs (`with_`, each followed by a comma) and a SELECT of `id`, `props` (jsonb: the
feature's attributes in the tile) and `g` (its EPSG:4490 geometry) FROM sources aliased so
that the box test (`f.geom && box.b`, by the GiST index) applies. The tile query
(app.tiles.tile) wraps it and gives it the CTE `park` (the park's `id`, and `day`: the
date the tile's plots are as of). The attributes are what the map's styles, labels and legend
read (app/static/js/map/styles.js, views.js, battle.js); a popup fetches the feature from
the API on click, so nothing else travels in a tile.

Who sees what is the API's rule (app.layers): `layers.visible()` decides whether a role
may read a layer, and a guest gets the guest variant of the plots (supplyable serviced
land: `layers.GUEST_PLOT_CONDITION`, no name, no flags). Plan outlines follow the plan
rules (app.requisition): a viewer sees the last approved version of each plan, the staff
its current version, a guest none.

MVT attributes cannot be lists: a plot's `flags` are its flags joined by commas ("" when
it has none).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import layers
from ..errors import Forbidden, NotFound, Text
from ..labels import N_


@dataclass(frozen=True)
class TileLayer:
    name: str
    title: str
    select: str  # SELECT id, props, g FROM … WHERE … (over the CTEs park and box)
    fields: dict = field(compare=False)  # attribute name → TileJSON type/description
    with_: str = ""
    variant: str = "all"  # which rows and attributes: part of the tile's ETag
    merge: bool = False  # at low zooms, features that look the same as one (tile.statement)


# The stored status and readiness of the plots in the box as of the tile's date (the
# park's today when none is asked for); a plot without a stored row of that day (another
# date, or today before the nightly recompute) is evaluated on the spot, as
# plot_status_as_of() does for a whole park, but for the tile's plots only. A plot smaller
# than a pixel of the tile both ways (box.px, box.py; its stored geometry's bounding box)
# is left out: it cannot be drawn.
_PLOT_STATE = """inbox AS MATERIALIZED (
  SELECT p.id FROM plots p, box WHERE p.park_id = (SELECT id FROM park) AND p.geom && box.b
    AND (ST_XMax(p.geom) - ST_XMin(p.geom) >= box.px
         OR ST_YMax(p.geom) - ST_YMin(p.geom) >= box.py)),
day AS (SELECT park.day AS d FROM park),
-- (evaluating even no plot costs the rules' set-up, ~0.1 s: only called when needed, and
-- with a subquery argument, which keeps the SQL function from being inlined)
unstored AS (
  SELECT ARRAY(SELECT i.id FROM inbox i, day WHERE NOT EXISTS (
           SELECT 1 FROM plot_status s WHERE s.plot_id = i.id AND s.evaluated_on = day.d))
           AS status,
         ARRAY(SELECT i.id FROM inbox i, day WHERE NOT EXISTS (
           SELECT 1 FROM plot_readiness r WHERE r.plot_id = i.id AND r.evaluated_on = day.d))
           AS readiness),
st AS (SELECT s.plot_id, s.stage, s.flags FROM inbox JOIN plot_status s ON s.plot_id = inbox.id,
              day WHERE s.evaluated_on = day.d
       UNION ALL
       SELECT e.plot_id, e.stage, e.flags
       FROM day, evaluate_status((SELECT id FROM park), day.d,
                                 (SELECT u.status FROM unstored u)) e
       WHERE (SELECT cardinality(u.status) > 0 FROM unstored u)),
rd AS (SELECT r.plot_id, r.level, r.level_name, r.level_name_en, r.serviced
       FROM inbox JOIN plot_readiness r ON r.plot_id = inbox.id, day WHERE r.evaluated_on = day.d
       UNION ALL
       SELECT e.plot_id, e.level, e.level_name, e.level_name_en, e.serviced
       FROM day, evaluate_readiness((SELECT id FROM park), day.d,
                                    (SELECT u.readiness FROM unstored u)) e
       WHERE (SELECT cardinality(u.readiness) > 0 FROM unstored u)),
"""
_READINESS = """'level', rd.level, 'level_name', rd.level_name, 'level_name_en', rd.level_name_en,
  'serviced', rd.serviced"""
# (plot_features: for the guest condition's f.stage; the view's other columns, which a tile
# does not read, are never computed)
_PLOTS_FROM = """FROM {source} JOIN inbox ON inbox.id = f.id
  JOIN st ON st.plot_id = f.id JOIN rd ON rd.plot_id = f.id"""

_FIELDS = {
    "id": "Number: the feature's id (also the MVT feature id)",
    "code": "String", "name": "String",
}
_PLOT_FIELDS = {
    **_FIELDS, "stage": "String: lifecycle stage as of the tile's date (DESIGN §4.1)",
    "flags": "String: the status flags as of the tile's date, comma-joined ('' for none)",
    "level": "Number: readiness level (available utilities + levelled, 0–8)",
    "level_name": "String: the level's trade name (三通一平 …)",
    "level_name_en": "String: the level's name in English",
    "serviced": "Boolean: serviced land (熟地, at least 三通一平)",
}

TILE_LAYERS: dict[str, TileLayer] = {t.name: t for t in (
    TileLayer(
        name="plots", title="Plots by stage, flags and readiness", fields=_PLOT_FIELDS,
        with_=_PLOT_STATE, merge=True,
        select=f"""SELECT f.id, jsonb_build_object(
  'id', f.id, 'code', f.code, 'name', f.name, 'stage', st.stage,
  'flags', array_to_string(st.flags, ','), {_READINESS}) AS props, f.geom AS g
{_PLOTS_FROM.format(source="plots f")}"""),
    TileLayer(
        name="zones", title="Zones", fields={**_FIELDS, "name_en": "String"},
        select="""SELECT f.id, jsonb_build_object('id', f.id, 'code', f.code, 'name', f.name,
  'name_en', f.name_en) AS props, f.geom AS g
FROM zones f, box WHERE f.park_id = (SELECT id FROM park) AND f.geom && box.b"""),
    TileLayer(
        name="roads", title="Roads",
        fields={"id": _FIELDS["id"], "name": "String",
                "status": "String: planned, under_construction or in_service",
                "class": "String: arterial, secondary, branch …", "width_m": "Number"},
        select="""SELECT f.id, jsonb_build_object('id', f.id, 'name', f.name,
  'status', f.status, 'class', f.class, 'width_m', f.width_m) AS props, f.geom AS g
FROM roads f, box WHERE f.park_id = (SELECT id FROM park) AND f.geom && box.b"""),
    TileLayer(
        name="networks", title="Utility networks",
        fields={"id": _FIELDS["id"], "name": "String",
                "utility": "String: water, drainage, power, telecom, gas or heat",
                "subtype": "String", "status": "String: planned, under_construction or "
                                                "in_service"},
        select="""SELECT f.id, jsonb_build_object('id', f.id, 'utility', f.utility,
  'subtype', f.subtype, 'status', f.status, 'name', f.name) AS props, f.geom AS g
FROM networks f, box WHERE f.park_id = (SELECT id FROM park) AND f.geom && box.b"""),
    TileLayer(
        name="projects", title="Projects with their flag",
        fields={**_FIELDS, "stage": "String: project stage (DESIGN §4.7)",
                "flag": "String: black (behind schedule) or red, as of today"},
        # the projects with a plot in the box, drawn as the union of their plots
        with_="""inbox AS MATERIALIZED (
  SELECT DISTINCT pp.project_id AS id FROM plots p, box, project_plots pp
  WHERE p.park_id = (SELECT id FROM park) AND p.geom && box.b AND pp.plot_id = p.id),
""",
        select="""SELECT f.id, jsonb_build_object('id', f.id, 'code', f.code, 'name', f.name,
  'stage', f.stage, 'flag', fl.flag) AS props, occ.g
FROM inbox JOIN projects f ON f.id = inbox.id
JOIN LATERAL (SELECT ST_Multi(ST_Union(pl.geom)) AS g FROM project_plots pp
              JOIN plots pl ON pl.id = pp.plot_id WHERE pp.project_id = f.id) occ ON true
LEFT JOIN project_flags((SELECT id FROM park)) fl ON fl.project_id = f.id"""),
)}

# A plan's outline: the union of the plots of the version a reader is shown (the staff:
# the current one; a viewer: the last approved one, plans without one left out), as
# list_plans.sql chooses it; a plot as it is now, or as the plan kept it once it is gone
# (plan_geojson.sql).
_PLAN_WITH = """inbox AS MATERIALIZED (
  SELECT pp.plan_id, pp.plan_version FROM plots p, box, plan_plots pp
  WHERE p.park_id = (SELECT id FROM park) AND p.geom && box.b AND pp.plot_id = p.id
  UNION
  SELECT pp.plan_id, pp.plan_version FROM plan_plots pp, box
  WHERE pp.plot_id IS NULL AND pp.geom && box.b),
"""
_PLAN_SELECT = """SELECT f.id, jsonb_build_object('id', f.id, 'name', f.name,
  'status', {status}, 'version', f.shown) AS props, occ.g
FROM (SELECT rp.id, rp.name, rp.status, {shown} AS shown FROM requisition_plans rp
      WHERE rp.park_id = (SELECT id FROM park)) f
JOIN LATERAL (SELECT ST_Multi(ST_Union(coalesce(p.geom, pp.geom))) AS g
              FROM plan_plots pp LEFT JOIN plots p ON p.id = pp.plot_id
              WHERE pp.plan_id = f.id AND pp.plan_version = f.shown) occ ON true
WHERE EXISTS (SELECT 1 FROM inbox WHERE inbox.plan_id = f.id AND inbox.plan_version = f.shown)"""
_PLAN_FIELDS = {"id": _FIELDS["id"], "name": "String",
                "status": "String: draft, submitted or approved",
                "version": "Number: the plan version outlined"}
PLANS = TileLayer(name="plans", title="Requisition plan outlines", fields=_PLAN_FIELDS,
                  with_=_PLAN_WITH,
                  select=_PLAN_SELECT.format(status="f.status", shown="rp.current_version"))
APPROVED_PLANS = TileLayer(
    name="plans", title="Requisition plan outlines (approved)", fields=_PLAN_FIELDS,
    variant="approved", with_=_PLAN_WITH, select=_PLAN_SELECT.format(
        status="'approved'", shown="""(SELECT max(v.version_no) FROM plan_versions v
                                       WHERE v.plan_id = rp.id AND v.status = 'approved')"""))

GUEST_PLOTS = TileLayer(
    name="plots", title="Supplyable serviced plots", variant="guest",
    fields={k: v for k, v in _PLOT_FIELDS.items() if k not in ("name", "flags")},
    with_=_PLOT_STATE, merge=True,
    select=f"""SELECT f.id, jsonb_build_object('id', f.id, 'code', f.code, 'stage', f.stage,
  {_READINESS}) AS props, f.geom AS g
{_PLOTS_FROM.format(source="plot_features f")}
WHERE {layers.GUEST_PLOT_CONDITION}""")

NAMES = (*TILE_LAYERS, "plans")


def for_role(name: str, role: str | None) -> TileLayer:
    """The tile layer as a role reads it; NotFound for an unknown layer, Forbidden when the
    role may not read it (the API's rules)."""
    if name not in NAMES:
        raise NotFound(Text(N_("there is no tile layer %(layer)s"), layer=name))
    if name == "plans":
        if role in (None, "guest"):
            raise Forbidden(Text(N_("a guest may not read requisition plans")))
        return APPROVED_PLANS if role == "viewer" else PLANS
    layer = layers.visible(name, role)
    if layer is not layers.LAYERS[name]:
        return GUEST_PLOTS
    return TILE_LAYERS[name]
