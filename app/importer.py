"""Load a data set folder (the gis_data format, see gis_data/README.md) into PostGIS.

Each park loads in one transaction: every layer is inserted with one set-based statement
from its GeoJSON, and any bad feature (invalid geometry, dates out of order, unknown zone)
aborts the whole park with a message naming the feature, so nothing is half-written.
Rules the database would report without naming the plot (a date not on the calendar, a
code used twice, a government cause without a note, a disposal without its date) are
checked here first, in the words of `errors.PROBLEMS`.

A plot outside the park's Gauss-Krüger zone gets its area and distances in the park's
zone, which inflates them: the loader warns about each such plot (naming its own zone and
the error) and refuses one more than `crs.max_gk_zone_offset_deg` (park setting, default
1.5°) beyond the zone's edge. There it lies 3° from the park's central meridian and its
area is inflated by (3° · cos φ)² ≈ 0.2% at 30°N, four times the most the projection
inflates any plot inside the zone (0.05% at its edge).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import date
from pathlib import Path

import psycopg

from . import crs, plots
from .db import queries, transaction
from .errors import PROBLEMS, RECORD, BadRequest, Text, record_problem
from .labels import N_

DEMO_DIR = Path(__file__).resolve().parent.parent / "gis_data" / "demo"
_CRS_4490 = ("urn:ogc:def:crs:EPSG::4490", "EPSG:4490")
LAYERS = ("zones", "price_zones", "plots", "roads", "networks")


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise BadRequest(f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise BadRequest(f"{path.name}: not valid JSON ({exc.msg}, line {exc.lineno})") from exc


def read_features(path: Path) -> list[dict]:
    """The features of a GeoJSON FeatureCollection in CGCS2000, or a clear error."""
    data = _read_json(path)
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise BadRequest(f"{path.name}: not a GeoJSON FeatureCollection")
    name = ((data.get("crs") or {}).get("properties") or {}).get("name")
    if name is not None and name not in _CRS_4490:
        raise BadRequest(f"{path.name}: coordinates must be CGCS2000 (EPSG:4490), not {name}")
    features = data.get("features")
    if not isinstance(features, list):
        raise BadRequest(f"{path.name}: 'features' must be a list")
    for n, f in enumerate(features, 1):
        if not isinstance(f, dict) or not isinstance(f.get("properties"), dict) \
                or not isinstance(f.get("geometry"), dict):
            raise BadRequest(f"{path.name}: feature {n} needs a geometry and properties")
    return features


def _check_zone_codes(plots: list[dict], zones: list[dict]) -> None:
    known = {z["properties"].get("code") for z in zones}
    unknown = sorted({str(p["properties"].get("zone")) for p in plots
                      if p["properties"].get("zone") not in known | {None}})
    if unknown:
        raise BadRequest(f"plots.geojson: unknown zone codes {', '.join(unknown)}")


MAX_GK_ZONE_OFFSET_DEG = 1.5  # default of the park setting crs.max_gk_zone_offset_deg
_DATES = {"plots": sorted(plots.DATE_FIELDS), "roads": ["planned_completion"],
          "networks": ["planned_completion"]}
NOT_A_DATE = N_("%(value)s is not a date on the calendar written YYYY-MM-DD")
OUTSIDE_ZONE = N_("lies %(beyond).2f° beyond the edge of the park's Gauss-Krüger zone "
                  "%(zone)d, in zone %(own)d: its area, computed in zone %(zone)d, is "
                  "%(error).2f%% too large")
TOO_FAR_OUTSIDE_ZONE = N_("lies %(beyond).2f° beyond the edge of the park's Gauss-Krüger "
                          "zone %(zone)d, in zone %(own)d, more than the park setting "
                          "crs.max_gk_zone_offset_deg (%(limit)s°) allows")


def _record(layer: str, n: int, props: dict) -> Text:
    """How a message names a feature: a plot by its code, others by file and number."""
    if layer == "plots" and props.get("code"):
        return Text(RECORD["plots"], code=props["code"])
    return Text(N_("%(file)s feature %(n)d"), file=f"{layer}.geojson", n=n)


def _check_date(record: Text, field: str, value) -> None:
    if value is None:
        return
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        raise BadRequest(record_problem(record, field, NOT_A_DATE, value=value)) from None


def _check_dates(layers: dict[str, list[dict]], projects) -> None:
    for layer, fields in _DATES.items():
        for n, f in enumerate(layers[layer], 1):
            for field in fields:
                _check_date(_record(layer, n, f["properties"]), field,
                            f["properties"].get(field))
    for project in projects if isinstance(projects, list) else []:
        record = Text(RECORD["projects"], code=project.get("code"))
        for key, fields in (("milestones", ("planned_on", "actual_on")),
                            ("progress", ("reported_on",))):
            for i, item in enumerate(project.get(key) or [], 1):
                for field in fields:
                    _check_date(record, f"{key}[{i}].{field}", item.get(field))


def _check_plot_rules(features: list[dict]) -> None:
    """The plots' constraints the database cannot name the plot for."""
    twice = [c for c, k in Counter(f["properties"].get("code") for f in features).items()
             if k > 1 and c is not None]
    if twice:
        raise BadRequest(record_problem(Text(RECORD["plots"], code=twice[0]), "code",
                                        PROBLEMS["plots_park_id_code_key"][1]))
    for n, f in enumerate(features, 1):
        p = f["properties"]
        for constraint, broken in (
                ("plots_cause_noted", p.get("government_cause") is not None
                 and p.get("government_cause_note") is None),
                ("plots_disposal_dated", (p.get("disposal") is None)
                 != (p.get("disposal_on") is None))):
            if broken:
                field, problem = PROBLEMS[constraint]
                raise BadRequest(record_problem(_record("plots", n, p), field, problem))


def _longitudes(geometry: dict) -> list[float]:
    """Every longitude of a GeoJSON geometry; none if it is malformed (the database's
    geometry check names that plot and its problem)."""
    def walk(c):
        return [float(c[0])] if c and not isinstance(c[0], list) else \
            [x for part in c for x in walk(part)]
    try:
        lons = walk(geometry.get("coordinates") or [])
    except (TypeError, ValueError, IndexError, RecursionError):
        return []
    west, east = 3 * crs.FIRST_ZONE - 1.5, 3 * crs.LAST_ZONE + 1.5  # China's GK zones
    outside = not all(math.isfinite(x) and west <= x < east for x in lons)
    return [] if outside else lons


def _check_gk_zone(features: list[dict], zone: int, latitude: float,
                   limit: float) -> list[Text]:
    """Warnings for plots beyond the edge of the park's GK zone; refuse one beyond `limit`."""
    warnings = []
    centre = crs.central_meridian(zone)
    for n, f in enumerate(features, 1):
        lons = _longitudes(f["geometry"])
        if not lons:
            continue  # the geometry check names it
        far = max(lons, key=lambda lon: abs(lon - centre))
        beyond = abs(far - centre) - 1.5
        if beyond <= 0:
            continue
        own = crs.gk_zone(far)
        values = {"beyond": beyond, "zone": zone, "own": own}
        record = _record("plots", n, f["properties"])
        if beyond > limit:
            raise BadRequest(record_problem(record, "geometry", TOO_FAR_OUTSIDE_ZONE,
                                            limit=limit, **values))
        # GK area scale ≈ 1 + (Δλ · cos φ)²: the plot's in the park's zone over its own
        mid = (min(lons) + max(lons)) / 2
        cos2 = math.cos(math.radians(latitude)) ** 2
        error = (math.radians(mid - centre) ** 2
                 - math.radians(mid - crs.central_meridian(own)) ** 2) * cos2 * 100
        warnings.append(record_problem(record, "geometry", OUTSIDE_ZONE,
                                       error=error, **values))
    return warnings


def load_park(conn: psycopg.Connection, folder: Path) -> dict:
    """Load one park folder; return the park id, the count of each layer and `warnings`
    (a list of `Text`)."""
    park = _read_json(folder / "park.json")
    for key in ("code", "name", "centre"):
        if key not in park:
            raise BadRequest(f"{folder.name}/park.json: '{key}' is missing")
    layers = {name: read_features(folder / f"{name}.geojson") if
              (folder / f"{name}.geojson").exists() else [] for name in LAYERS}
    _check_zone_codes(layers["plots"], layers["zones"])
    projects_file = folder / "projects.json"
    projects = _read_json(projects_file) if projects_file.exists() else None
    _check_dates(layers, projects)
    _check_plot_rules(layers["plots"])
    zone = crs.gk_zone(float(park["centre"][0]))
    limit = float(((park.get("settings") or {}).get("crs") or {}).get(
        "max_gk_zone_offset_deg", MAX_GK_ZONE_OFFSET_DEG))
    warnings = _check_gk_zone(layers["plots"], zone, float(park["centre"][1]), limit)
    q = queries()
    counts = {}
    with transaction(conn):
        # one recompute at the end instead of one per inserted layer
        conn.execute("SET LOCAL parkatlas.defer_recompute = 'on'")
        park_id = q.importer.insert_park(conn, code=park["code"], name=park["name"],
                                name_en=park.get("name_en"),
                                gk_zone=zone,
                                settings=json.dumps(park.get("settings") or {}))
        inserts = {"zones": q.importer.insert_zones, "price_zones": q.importer.insert_price_zones,
                   "plots": q.importer.insert_plots, "roads": q.importer.insert_roads,
                   "networks": q.importer.insert_networks}
        for name in LAYERS:
            counts[name] = inserts[name](conn, park_id=park_id, features=json.dumps(layers[name]))
        rates = folder / "compensation_rates.json"
        if rates.exists():
            counts["compensation_rates"] = q.importer.insert_compensation_rates(
                conn, park_id=park_id, rates=json.dumps(_read_json(rates)))
        if projects is not None:
            counts["projects"] = q.importer.insert_projects(
                conn, park_id=park_id, projects=json.dumps(projects))
        q.status.recompute_park(conn, park_id=park_id, as_of=None, ids=None)
        plans = folder / "plans.json"
        if plans.exists():
            counts["plans"] = _load_plans(conn, park_id, _read_json(plans))
    return {"park_id": park_id, "code": park["code"], **counts, "warnings": warnings}


def _load_plans(conn: psycopg.Connection, park_id: int, plans) -> int:
    """Create the draft requisition plans of plans.json ([{name, selection}])."""
    from . import requisition

    if not isinstance(plans, list):
        raise BadRequest("plans.json: must be a list of {name, selection} objects")
    for n, plan in enumerate(plans, 1):
        if not isinstance(plan, dict):
            raise BadRequest(f"plans.json: plan {n} must be an object")
        try:
            requisition.create(conn, park_id, plan.get("name"), plan.get("selection"),
                               plan.get("created_by"))
        except BadRequest as exc:
            raise BadRequest(f"plans.json: plan {n}: {exc.message}") from exc
    return len(plans)


def load_dataset(conn: psycopg.Connection, folder: Path = DEMO_DIR) -> list[dict]:
    """Load every park folder (a folder holding park.json) under `folder`."""
    folder = Path(folder)
    parks = sorted(p.parent for p in folder.glob("*/park.json"))
    if (folder / "park.json").exists():
        parks = [folder]
    if not parks:
        raise BadRequest(f"{folder}: no park.json found (see gis_data/README.md)")
    return [load_park(conn, p) for p in parks]


def is_empty(conn: psycopg.Connection) -> bool:
    """True when no park is loaded."""
    return queries().parks.count(conn) == 0
