"""Load a data set folder (the gis_data format, see gis_data/README.md) into PostGIS.

Each park loads in one transaction: every layer is inserted with one set-based statement
from its GeoJSON, and any bad feature (invalid geometry, dates out of order, unknown zone)
aborts the whole park with a message naming the feature, so nothing is half-written.
"""

from __future__ import annotations

import json
from pathlib import Path

import psycopg

from . import crs
from .db import queries, transaction
from .errors import BadRequest

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


def load_park(conn: psycopg.Connection, folder: Path) -> dict:
    """Load one park folder; return the park id and the count of each layer."""
    park = _read_json(folder / "park.json")
    for key in ("code", "name", "centre"):
        if key not in park:
            raise BadRequest(f"{folder.name}/park.json: '{key}' is missing")
    layers = {name: read_features(folder / f"{name}.geojson") if
              (folder / f"{name}.geojson").exists() else [] for name in LAYERS}
    _check_zone_codes(layers["plots"], layers["zones"])
    q = queries()
    counts = {}
    with transaction(conn):
        # one recompute at the end instead of one per inserted layer
        conn.execute("SET LOCAL parkatlas.defer_recompute = 'on'")
        park_id = q.importer.insert_park(conn, code=park["code"], name=park["name"],
                                name_en=park.get("name_en"),
                                gk_zone=crs.gk_zone(float(park["centre"][0])),
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
        projects = folder / "projects.json"
        if projects.exists():
            counts["projects"] = q.importer.insert_projects(
                conn, park_id=park_id, projects=json.dumps(_read_json(projects)))
        q.status.recompute_park(conn, park_id=park_id, as_of=None, ids=None)
        plans = folder / "plans.json"
        if plans.exists():
            counts["plans"] = _load_plans(conn, park_id, _read_json(plans))
    return {"park_id": park_id, "code": park["code"], **counts}


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
