"""The demo-data generator (gis_data/generate.py) keeps the gis_data/README.md contract.

No database is needed: the generator is loaded from its file, run into temporary
folders, and its output is read back the way a loader would read it.
"""

from __future__ import annotations

import filecmp
import importlib.util
import json
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "gis_data" / "generate.py"
TODAY = date(2026, 11, 22)  # the demo's evaluation date
MU = 10000 / 15
FILES = ("park.json", "zones.geojson", "plots.geojson", "roads.geojson", "networks.geojson",
         "price_zones.geojson", "compensation_rates.json", "projects.json")
EVENTS = ("approved_on", "requisitioned_on", "banked_on", "supplied_on", "delivered_on",
          "started_on", "completed_on", "operating_on")
STAGES = ("planned", "approved", "requisitioned", "banked", "supplied", "delivered",
          "under_construction", "completed", "operating")
PLOT_PROPERTIES = (
    "code", "name", "zone", "land_class", "planned_use", "owner", "owner_type", "price_zone",
    "levelled", "special_crop", "house_floor_area_m2", *EVENTS[:4], "agreed_start_on",
    *EVENTS[4:], "supply_method", "land_price", "planned_investment", "actual_investment",
    "planned_floor_area_m2", "floor_area_m2", "high_floor_area_m2", "building_footprint_m2",
    "structure_footprint_m2", "open_storage_m2", "admin_living_area_m2", "developed_area_m2",
    "annual_tax", "annual_output", "suspended_since", "government_cause",
    "government_cause_note", "disposal", "disposal_on", "disposal_note",
)
LAND_CLASSES = {"0101", "0103", "0201", "0301", "0601", "0602", "0508", "0702", "1004", "1104",
                "1202", "1206"}
PLANNED_USES = {"100101", "100102", "110101", "0901", "1401", "1207"}
CAUSES = {"late_delivery", "plan_change", "policy_change", "petition", "military_heritage",
          "government_action", "force_majeure"}
DISPOSALS = {"deadline", "fee", "reclaimed", "agreement", "exchange"}
ROAD_STATUS = {"planned", "under_construction", "in_service"}
PROJECT_STAGES = ("negotiating", "signed", "land_supplied", "started", "completed", "operating")
PLOT_STAGE_OF_PROJECT = {"land_supplied": {"supplied", "delivered"},
                         "started": {"under_construction"}, "completed": {"completed"},
                         "operating": {"operating"}}
NUMBER_FIELDS = PLOT_PROPERTIES[PLOT_PROPERTIES.index("planned_investment"):
                                PLOT_PROPERTIES.index("suspended_since")]


def load_generator():
    spec = importlib.util.spec_from_file_location("parkatlas_gis_generate", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


generator = load_generator()


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    assert generator.main(["--out", str(out), "--quiet"]) == 0
    return out / "JSCY"


@pytest.fixture(scope="module")
def bench(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bench")
    assert generator.main(["--plots", "1300", "--parks", "2", "--seed", "7", "--out", str(out),
                           "--quiet"]) == 0
    return out


@pytest.fixture(params=["demo", "P001", "P002"])
def park(request, demo, bench) -> Path:
    return demo if request.param == "demo" else bench / request.param


def read(folder: Path, name: str):
    return json.loads((folder / name).read_text(encoding="utf-8"))


def features(folder: Path, name: str) -> list[dict]:
    collection = read(folder, name)
    assert collection["type"] == "FeatureCollection"
    assert collection["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::4490"
    return collection["features"]


def gk_transformer(folder: Path) -> Transformer:
    lon, _lat = read(folder, "park.json")["centre"]
    epsg = 4534 + round(lon / 3) - 25  # CGCS2000 3-degree GK zone, no zone prefix
    return Transformer.from_crs("EPSG:4490", f"EPSG:{epsg}", always_xy=True)


def plot_geoms_gk(folder: Path) -> tuple[list[dict], np.ndarray]:
    feats = features(folder, "plots.geojson")
    tr = gk_transformer(folder)
    geoms = np.array([shape(f["geometry"]) for f in feats], dtype=object)
    gk = shapely.transform(geoms, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1])))
    return [f["properties"] for f in feats], gk


def plot_stage(p: dict) -> str:
    for k in range(len(EVENTS), 0, -1):
        if p[EVENTS[k - 1]]:
            return STAGES[k]
    return "planned"


def years_after(text: str, years: int) -> date:
    d = date.fromisoformat(text)
    return d.replace(year=d.year + years, day=28 if (d.month, d.day) == (2, 29) else d.day)


# --- determinism ---------------------------------------------------------------------------


def test_same_arguments_give_identical_bytes(tmp_path, bench):
    # once in-process (the fixture), once through the command line
    subprocess.run([sys.executable, str(SCRIPT), "--plots", "1300", "--parks", "2", "--seed", "7",
                    "--out", str(tmp_path / "again"), "--quiet"], check=True)
    for code in ("P001", "P002"):
        match, mismatch, errors = filecmp.cmpfiles(bench / code, tmp_path / "again" / code,
                                                   FILES, shallow=False)
        assert (mismatch, errors) == ([], [])


def test_demo_is_deterministic_and_seed_matters(tmp_path, demo):
    generator.main(["--out", str(tmp_path / "same"), "--quiet"])
    generator.main(["--out", str(tmp_path / "other"), "--quiet", "--seed", "1"])
    for name in FILES:
        assert (tmp_path / "same" / "JSCY" / name).read_bytes() == (demo / name).read_bytes()
    other = (tmp_path / "other" / "JSCY" / "plots.geojson").read_bytes()
    assert other != (demo / "plots.geojson").read_bytes()


# --- files and geometry --------------------------------------------------------------------


def test_every_file_is_written_as_utf8_json(park):
    for name in FILES:
        text = (park / name).read_text(encoding="utf-8")
        json.loads(text)
        assert "\\u" not in text  # ensure_ascii=False: Chinese stays readable
    info = read(park, "park.json")
    assert set(info) == {"code", "name", "name_en", "centre", "settings"}
    assert info["code"] == park.name and info["settings"] == {}


def test_plots_are_valid_sized_oriented_and_disjoint(park):
    props, gk = plot_geoms_gk(park)
    assert len(props) == (400 if park.name == "JSCY" else 650)
    assert shapely.is_valid(gk).all()
    mu = shapely.area(gk) / MU
    assert mu.min() >= 10 and mu.max() <= 200, (mu.min(), mu.max())
    for g in gk:  # RFC 7946: exterior rings counter-clockwise, holes clockwise
        for poly in getattr(g, "geoms", [g]):
            assert poly.exterior.is_ccw
            assert all(not ring.is_ccw for ring in poly.interiors)
    tree = shapely.STRtree(gk)
    left, right = tree.query(gk, predicate="intersects")
    pairs = left < right
    overlap = shapely.area(shapely.intersection(gk[left[pairs]], gk[right[pairs]]))
    assert overlap.size == 0 or overlap.max() <= 0.01


def test_plot_codes_are_unique_and_well_formed(park):
    props = [f["properties"] for f in features(park, "plots.geojson")]
    codes = [p["code"] for p in props]
    assert len(set(codes)) == len(codes)
    assert codes == sorted(codes)
    for p in props:
        assert re.fullmatch(r"[A-Z]{2}-\d{2}-\d{2}", p["code"]), p["code"]
        assert p["zone"].split("-")[0] == p["code"][:2]


def test_lifecycle_dates_are_in_order(park):
    for p in (f["properties"] for f in features(park, "plots.geojson")):
        days = [date.fromisoformat(p[e]) for e in EVENTS if p[e]]
        assert days == sorted(days), p["code"]
        assert all(date(2012, 1, 1) <= d <= date(2026, 10, 31) for d in days), p["code"]
        if p["agreed_start_on"]:
            assert p["supplied_on"] and p["agreed_start_on"] >= p["supplied_on"], p["code"]
        if p["owner_type"] == "state":
            assert p["owner"] == "国有" and p["requisitioned_on"] is None
        for field in ("suspended_since", "disposal_on"):
            assert p[field] is None or date(2012, 1, 1) <= date.fromisoformat(p[field]) <= TODAY


# --- the contract's enumerations -----------------------------------------------------------


def test_plot_properties_follow_the_contract(park):
    zones = {f["properties"]["code"] for f in features(park, "zones.geojson")}
    price_zones = {f["properties"]["code"] for f in features(park, "price_zones.geojson")}
    for f in features(park, "plots.geojson"):
        p = f["properties"]
        assert tuple(p) == PLOT_PROPERTIES
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")
        assert p["zone"] in zones and p["price_zone"] in price_zones
        assert p["land_class"] in LAND_CLASSES and p["planned_use"] in PLANNED_USES
        assert p["owner_type"] in ("collective", "state") and p["owner"]
        assert isinstance(p["levelled"], bool) and isinstance(p["special_crop"], bool)
        assert p["house_floor_area_m2"] >= 0
        assert p["supply_method"] in (None, "sale", "allocation")
        assert (p["supply_method"] is None) == (p["supplied_on"] is None)
        assert p["land_price"] is None or p["land_price"] > 0
        assert all(isinstance(p[k], int | float) and p[k] >= 0 for k in NUMBER_FIELDS)
        assert p["government_cause"] in CAUSES | {None}
        assert (p["government_cause"] is None) == (p["government_cause_note"] is None)
        assert p["disposal"] in DISPOSALS | {None}
        assert (p["disposal"] is None) == (p["disposal_on"] is None) == (p["disposal_note"] is None)


def test_zones_roads_networks_and_rates_follow_the_contract(park):
    for f in features(park, "zones.geojson"):
        p = f["properties"]
        assert set(p) == {"code", "name", "name_en", "admitted_industries"}
        assert all(re.fullmatch(r"\d{2}", c) for c in p["admitted_industries"])
    for f in features(park, "roads.geojson"):
        p = f["properties"]
        assert set(p) == {"name", "class", "width_m", "status", "planned_completion"}
        assert f["geometry"]["type"] in ("LineString", "MultiLineString")
        assert p["class"] in ("arterial", "secondary", "branch") and 16 <= p["width_m"] <= 60
        assert p["status"] in ROAD_STATUS
        assert (p["planned_completion"] is None) == (p["status"] == "in_service")
    nets = features(park, "networks.geojson")
    for f in nets:
        p = f["properties"]
        assert set(p) == {"utility", "subtype", "name", "status", "planned_completion"}
        assert p["utility"] in ("water", "drainage", "power", "telecom", "gas", "heat")
        assert p["status"] in ROAD_STATUS
        assert (p["planned_completion"] is None) == (p["status"] == "in_service")
        assert f["geometry"]["type"] in ("LineString", "MultiLineString", "Point")
    plots = features(park, "plots.geojson")
    assert 0.4 <= len(nets) / len(plots) <= 1.0  # about 0.6 segments per plot
    zones = {f["properties"]["code"] for f in features(park, "price_zones.geojson")}
    rates = read(park, "compensation_rates.json")
    groups = ("cultivated", "agricultural", "construction", "unused")
    assert {(r["price_zone"], r["land_group"]) for r in rates} == {
        (z, g) for z in zones for g in groups}
    assert len(rates) == len(zones) * len(groups)
    for r in rates:
        assert 20000 <= r["land_price_yuan_mu"] <= 150000
        assert all(r[k] >= 0 for k in ("crop_yuan_mu", "special_crop_yuan_mu", "house_yuan_m2",
                                       "social_security_yuan_mu"))


def test_projects_follow_the_contract_and_their_plots(park):
    plots = {f["properties"]["code"]: f["properties"] for f in features(park, "plots.geojson")}
    zones = {f["properties"]["code"] for f in features(park, "zones.geojson")}
    projects = read(park, "projects.json")
    codes = [p["code"] for p in projects]
    assert len(set(codes)) == len(codes)
    taken = []
    for pr in projects:
        assert re.fullmatch(r"P20\d\d-\d{3}", pr["code"])
        assert re.fullmatch(r"\d{4}", pr["industry_code"])
        assert pr["stage"] in PROJECT_STAGES and pr["zone"] in zones
        assert set(pr["tags"]) <= {"provincial_key", "municipal_key", "district_key"}
        assert pr["leader"] and pr["service_official"] and pr["company"].endswith("有限公司")
        assert 1 <= len(pr["plots"]) <= 4
        taken += pr["plots"]
        stages = {plot_stage(plots[c]) for c in pr["plots"]}
        assert all(plots[c]["zone"] == pr["zone"] for c in pr["plots"])
        assert stages <= PLOT_STAGE_OF_PROJECT.get(
            pr["stage"], {"planned", "approved", "requisitioned", "banked"}), pr["name"]
        reached = PROJECT_STAGES.index(pr["stage"])
        assert [m["stage"] for m in pr["milestones"]] == list(PROJECT_STAGES[1:])
        for i, m in enumerate(pr["milestones"], start=1):
            assert m["planned_on"] and (m["actual_on"] is not None) == (i <= reached)
        assert 0 <= pr["completed_investment"] <= pr["planned_investment"] * 1.1
        assert bool(pr["progress"]) == (pr["stage"] == "started")
        days = [r["reported_on"] for r in pr["progress"]]
        assert days == sorted(days) and all(is_ten_day_end(d) for d in days)
        pct = [r["progress_pct"] for r in pr["progress"]]
        assert pct == sorted(pct) and all(0 <= v <= 100 for v in pct)
    assert set(taken) <= set(plots) and len(set(taken)) == len(taken)


def is_ten_day_end(text: str) -> bool:
    d = date.fromisoformat(text)
    return d.day in (10, 20) or (d + timedelta(days=1)).day == 1


# --- the demo's planted cases (DESIGN §4.1-4.4, as of 2026-11-22) --------------------------


def demo_plots(demo: Path) -> list[dict]:
    props, gk = plot_geoms_gk(demo)
    for p, g in zip(props, gk, strict=True):
        p["_area"], p["_geom"] = shapely.area(g), g
    return props


def test_demo_covers_every_stage_and_zone(demo):
    plots = demo_plots(demo)
    assert 300 <= len(plots) <= 600
    stages = [plot_stage(p) for p in plots]
    assert all(stages.count(s) >= 5 for s in STAGES), {s: stages.count(s) for s in STAGES}
    assert {p["zone"] for p in plots} == {"SQ", "NQ-W", "NQ-E"}
    assert {p["owner_type"] for p in plots} == {"collective", "state"}
    assert len({p["owner"] for p in plots}) >= 6
    assert any(p["special_crop"] for p in plots) and any(p["house_floor_area_m2"] for p in plots)


def idle_flags(p: dict) -> set[str]:
    flags = set()
    if p["supplied_on"] and not p["started_on"]:
        one, two = years_after(p["agreed_start_on"], 1), years_after(p["agreed_start_on"], 2)
        if one <= TODAY:
            flags.add("idle_a")
        if two <= TODAY:
            flags.add("reclaim")
        if any(m - timedelta(days=90) <= TODAY < m for m in (one, two)):
            flags.add("warning")
    if p["started_on"] and p["suspended_since"]:
        low = (p["developed_area_m2"] < p["planned_floor_area_m2"] / 3
               or p["actual_investment"] < 0.25 * p["planned_investment"])
        if low and years_after(p["suspended_since"], 1) <= TODAY:
            flags.add("idle_b")
    return flags


def test_demo_plants_idle_land_cases(demo):
    plots = demo_plots(demo)
    flags = {p["code"]: idle_flags(p) for p in plots}
    idle = [p for p in plots if flags[p["code"]] & {"idle_a", "idle_b"}]
    plain_a = [p for p in idle if flags[p["code"]] == {"idle_a"} and not p["government_cause"]
               and not p["disposal"]]
    assert len(plain_a) >= 4
    assert sum("reclaim" in f for f in flags.values()) >= 4
    assert sum("warning" in f for f in flags.values()) >= 4
    assert sum("idle_b" in f for f in flags.values()) >= 4
    stalled = next(pr for pr in read(demo, "projects.json") if pr["name"] == "君胜能源")
    assert all("idle_b" in flags[c] for c in stalled["plots"])
    exempt = [p for p in idle if p["government_cause"]]
    assert len(exempt) >= 4 and any(p["government_cause"] == "late_delivery" for p in exempt)
    assert all(p["government_cause"] is None for p in plots if p not in idle)
    assert len([p for p in idle if p["disposal"]]) >= 4
    old = [p for p in plots if p["approved_on"] and not p["supplied_on"]
           and p["approved_on"] < "2018-01-01"]
    assert len(old) >= 4
    # a suspension shorter than a year is not idle yet
    assert any(p["suspended_since"] and "idle_b" not in flags[p["code"]] for p in plots)


def test_demo_plants_low_efficiency_beside_healthy_plots(demo):
    plots = demo_plots(demo)
    industry = {c: pr["industry_code"] for pr in read(demo, "projects.json") for c in pr["plots"]}
    built = [p for p in plots if plot_stage(p) in ("completed", "operating")
             and p["planned_use"][:4] in ("1001", "1101")]
    reasons = {}
    for p in built:
        mu, area = p["_area"] / MU, p["_area"]
        minimum = {"39": 0.7, "38": 1.0, "59": 1.0}.get(industry.get(p["code"], "13")[:2], 1.0)
        reasons[p["code"]] = {
            "intensity": p["actual_investment"] / mu < 200,
            "plot_ratio": (p["floor_area_m2"] + p["high_floor_area_m2"]) / area < minimum,
            "coefficient": (p["building_footprint_m2"] + p["structure_footprint_m2"]
                            + p["open_storage_m2"]) / area < 0.3,
            "admin_living": p["admin_living_area_m2"] / area > 0.07,
            "tax": p["annual_tax"] / mu < 15,
        }
    for rule in ("intensity", "plot_ratio", "coefficient", "admin_living", "tax"):
        assert sum(r[rule] for r in reasons.values()) >= 2, rule
    healthy = [c for c, r in reasons.items() if not any(r.values())]
    assert len(healthy) >= 50


def test_demo_plants_shapes_and_straddling_plots(demo):
    plots = demo_plots(demo)
    holes = [p for p in plots if any(len(g.interiors) for g in getattr(p["_geom"], "geoms",
                                                                      [p["_geom"]]))]
    assert len(holes) >= 5
    assert sum(p["_geom"].geom_type == "MultiPolygon" for p in plots) >= 3
    tr = gk_transformer(demo)
    zones = [shapely.transform(shape(f["geometry"]),
                               lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1])))
             for f in features(demo, "price_zones.geojson")]
    straddling = [p for p in plots
                  if sum(p["_geom"].intersection(z).area > 1 for z in zones) > 1]
    assert len(straddling) >= 3


def test_demo_plants_zoning_and_use_conflicts(demo):
    plots = {p["code"]: p for p in demo_plots(demo)}
    zones = {f["properties"]["code"]: f["properties"]["admitted_industries"]
             for f in features(demo, "zones.geojson")}
    projects = read(demo, "projects.json")
    assert 20 <= len(projects) <= 30
    zoning = [pr for pr in projects if pr["industry_code"][:2] not in zones[pr["zone"]]]
    assert [(pr["zone"], pr["industry_code"][:2]) for pr in zoning] == [("NQ-W", "39")]
    uses = [c for pr in projects for c in pr["plots"]
            if plots[c]["planned_use"][:4] not in ("1001", "1101")]
    assert len(uses) == 1
    assert {pr["stage"] for pr in projects} == set(PROJECT_STAGES)


def test_demo_has_red_and_black_flags(demo):
    black, red = [], []
    for pr in read(demo, "projects.json"):
        overdue = any(m["actual_on"] is None and m["planned_on"] < TODAY.isoformat()
                      for m in pr["milestones"])
        (black if overdue else red).append(pr["name"])
    assert len(black) >= 4 and len(red) >= 10
    assert "南方电梯" in black and "华自新能源储能装备" in red


def test_demo_networks_leave_readiness_uneven(demo):
    nets = [f["properties"] for f in features(demo, "networks.geojson")]
    assert 150 <= len(nets) <= 400
    by_utility = {u: {n["status"] for n in nets if n["utility"] == u}
                  for u in ("water", "drainage", "power", "telecom", "gas", "heat")}
    assert all("in_service" in s for s in by_utility.values())
    assert all(len(s) >= 2 for s in by_utility.values())
    assert sum(n["subtype"] == "substation" for n in nets) >= 2
    assert {n["subtype"] for n in nets if n["utility"] == "drainage"} >= {"sewage", "storm"}
