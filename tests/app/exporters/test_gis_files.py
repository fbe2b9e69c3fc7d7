"""GIS file exports read back by GDAL (pyogrio), an independent reader, and compared with
the plan result: plot count, areas recomputed in GK, attributes to the fen, CRS, encoding,
holes and parts. No database needed."""

from __future__ import annotations

import io
import json
import re
import statistics
import zipfile
from dataclasses import replace
from decimal import Decimal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon

from app.exporters import export, filename
from app.exporters.gis_files import (
    EXCLUDED_LAYER,
    MONEY_FIELDS,
    PLOTS_LAYER,
    SHAPEFILE_FIELDS,
    write_geojson,
    write_gpkg,
    write_kml,
    write_shapefile_zip,
)
from app.plan_result import Compensation, PlanResult, yuan
from tests.plan_samples import X0, Y0, sample_result

SHP = SHAPEFILE_FIELDS
HOLED, MULTI, STATE = "NQ-01-02", "NQ-02-01", "NQ-03-01"


@pytest.fixture(scope="module")
def result() -> PlanResult:
    return sample_result()


@pytest.fixture(scope="module")
def files(result, artifacts_dir, tmp_path_factory) -> dict:
    """Each format of the sample exported once, saved for reading back and for a person."""
    tmp = tmp_path_factory.mktemp("gis")
    paths = {}
    for name in ("gpkg", "shp", "geojson", "kml"):
        data = export(result, name)
        paths[name] = tmp / filename(result, name)
        paths[name].write_bytes(data)
        (artifacts_dir / filename(result, name)).write_bytes(data)
    return paths


def by_code(frame, column: str = "plot_code") -> dict:
    return {row[column]: row for _, row in frame.iterrows()}


def assert_areas_in_gk(frame: gpd.GeoDataFrame, result: PlanResult, code_column: str) -> None:
    """Every plot is there once and its area, recomputed in GK, is within 0.01 m²."""
    gk = frame.to_crs(result.gk_epsg) if frame.crs.to_epsg() != result.gk_epsg else frame
    rows = by_code(gk, code_column)
    assert sorted(rows) == sorted(p.code for p in result.plots)
    assert len(gk) == len(result.plots)
    for plot in result.plots:
        assert rows[plot.code].geometry.area == pytest.approx(plot.area_m2, abs=0.01), plot.code


def assert_attributes(frame, result: PlanResult, names: dict[str, str]) -> None:
    """Stored areas equal the result's (to 0.01 m²) and money equals it to the fen."""
    rows = by_code(frame, names["plot_code"])
    for plot in result.plots:
        row = rows[plot.code]
        assert row[names["area_m2"]] == pytest.approx(plot.area_m2, abs=0.01)
        assert row[names["area_mu"]] == pytest.approx(plot.area_mu, abs=0.0001)
        assert row[names["area_ha"]] == pytest.approx(plot.area_ha, abs=0.000001)
        assert row[names["owner"]] == plot.owner
        assert row[names["price_zones"]] == plot.price_zones
        assert bool(row[names["special_crop"]]) == plot.special_crop
        money = plot.compensation
        expected = (money.land, money.crops, money.houses, money.social_security, money.total)
        for field, amount in zip(MONEY_FIELDS, expected, strict=True):
            assert yuan(row[names[field]]) == amount, (plot.code, field)
    total = sum((yuan(v) for v in frame[names["compensation_total"]]), Decimal(0))
    assert total == result.compensation.total


def assert_hole_and_parts(frame, code_column: str) -> None:
    rows = by_code(frame, code_column)
    holed = rows[HOLED].geometry
    holed_parts = getattr(holed, "geoms", [holed])
    assert len(holed_parts) == 1 and len(holed_parts[0].interiors) == 1
    multi = rows[MULTI].geometry
    assert isinstance(multi, MultiPolygon) and len(multi.geoms) == 2


def coordinate_decimals(numbers: list[str]) -> float:
    """Median count of decimals of the lon/lat numbers as written (a writer trims trailing
    zeros, so the odd coordinate has fewer; the median says what precision was chosen)."""
    assert len(numbers) > 20
    return statistics.median(len(n.partition(".")[2]) for n in numbers)


def geojson_numbers(text: str) -> list[str]:
    return [n for pair in re.findall(r"\[ (-?[\d.]+), (-?[\d.]+) \]", text) for n in pair]


def kml_numbers(text: str) -> list[str]:
    return [n for block in re.findall(r"<coordinates>(.*?)</coordinates>", text, re.S)
            for point in block.split() for n in point.split(",")[:2]]


NAMES = {f: f for f in SHP}


# --- GeoPackage ------------------------------------------------------------------------

def test_gpkg_layers_crs_and_geometry_type(files, result):
    layers = dict(pyogrio.list_layers(files["gpkg"]))
    assert layers == {PLOTS_LAYER: "MultiPolygon", EXCLUDED_LAYER: None}
    info = pyogrio.read_info(files["gpkg"], layer=PLOTS_LAYER)
    assert info["crs"] == f"EPSG:{result.gk_epsg}"
    assert info["features"] == 5
    assert list(info["fields"]) == list(SHP)
    types = dict(zip(info["fields"], info["ogr_types"], strict=True))
    # numbers a GIS user can sum and classify, not text
    assert {types[f] for f in (*MONEY_FIELDS, "area_m2", "area_mu", "area_ha")} == {"OFTReal"}
    assert info["dataset_metadata"]["PLAN_NAME"] == result.plan_name
    assert info["layer_metadata"]["IDENTIFIER"] == result.title


def test_gpkg_areas_attributes_holes_and_parts(files, result):
    frame = pyogrio.read_dataframe(files["gpkg"], layer=PLOTS_LAYER)
    assert_areas_in_gk(frame, result, "plot_code")
    assert_attributes(frame, result, NAMES)
    assert_hole_and_parts(frame, "plot_code")
    rows = by_code(frame)
    # GK with the zone prefix, x = easting, y = northing, untouched.
    assert rows["NQ-01-01"].geometry.bounds == pytest.approx(
        (X0, Y0, X0 + 120.25, Y0 + 95.5), abs=1e-9)
    assert rows["NQ-01-01"]["land_group"] == "耕地"
    assert rows[STATE]["owner_type"] == "国有"
    assert rows[HOLED]["plot_name"] == "华龙村二组"
    assert pd.isna(rows["NQ-01-01"]["plot_name"])  # null, not ""
    assert rows[HOLED]["plan_name"] == result.plan_name
    assert rows[HOLED]["plan_version"] == 2


def test_gpkg_lists_the_excluded_plots(files, result):
    table = pyogrio.read_dataframe(files["gpkg"], layer=EXCLUDED_LAYER, read_geometry=False)
    assert table.to_dict("records") == [{
        "plot_code": "NQ-04-01", "reason": "已征收，不再列入", "area_m2": 5321.5,
        "area_mu": pytest.approx(5321.5 * 15 / 10000), "area_ha": pytest.approx(0.53215),
        "since": "2025-06-30"}]


def test_geojson_and_kml_say_what_was_left_out(files, result):
    assert "未列入（已征收）：NQ-04-01" in json.loads(files["geojson"].read_bytes())["description"]
    assert "NQ-04-01" in files["kml"].read_text(encoding="utf-8")
    assert "Left out (already requisitioned): NQ-04-01" in write_geojson(
        result, lang="en").decode()
    assert "未列入" not in write_geojson(replace(result, excluded=())).decode()


def test_gpkg_without_excluded_plots_still_has_the_table(result, tmp_path):
    path = tmp_path / "none.gpkg"
    path.write_bytes(write_gpkg(replace(result, excluded=())))
    assert pyogrio.read_info(path, layer=EXCLUDED_LAYER)["features"] == 0


# --- Shapefile -------------------------------------------------------------------------

def test_shapefile_zip_members_cpg_and_prj(files):
    with zipfile.ZipFile(files["shp"]) as archive:
        names = archive.namelist()
        assert sorted(n.rsplit(".", 1)[1] for n in names) == [
            "cpg", "dbf", "prj", "shp", "shx", "txt"]
        assert len({n.rsplit(".", 1)[0] for n in names}) == 1
        note = archive.read(next(n for n in names if n.endswith(".txt"))).decode("gbk")
        assert "未列入（已征收）：NQ-04-01" in note
        cpg = archive.read(next(n for n in names if n.endswith(".cpg"))).decode()
        prj = archive.read(next(n for n in names if n.endswith(".prj"))).decode()
    assert cpg == "936"                  # GBK, the default (see test_gis_files_readers)
    assert "CGCS2000_3_Degree_GK_Zone_38" in prj
    assert 'PARAMETER["False_Easting",38500000.0]' in prj
    assert 'PARAMETER["Central_Meridian",114.0]' in prj


def test_shapefile_fields_are_short_ascii(files):
    info = pyogrio.read_info(files["shp"])
    assert list(info["fields"]) == list(SHP.values())
    types = dict(zip(info["fields"], info["ogr_types"], strict=True))
    assert {types[SHP[f]] for f in (*MONEY_FIELDS, "area_m2")} == {"OFTReal"}
    for field in info["fields"]:
        assert len(field) <= 10 and field.isascii()
    assert len(set(SHP.values())) == len(SHP)


def test_shapefile_crs_areas_attributes_holes_and_parts(files, result):
    frame = pyogrio.read_dataframe(files["shp"])
    assert frame.crs.to_epsg() == result.gk_epsg
    assert_areas_in_gk(frame, result, SHP["plot_code"])
    assert_attributes(frame, result, SHP)
    assert_hole_and_parts(frame, SHP["plot_code"])
    rows = by_code(frame, SHP["plot_code"])
    assert rows["NQ-02-02"][SHP["price_zones"]] == "I/II"
    assert rows[STATE][SHP["owner_type"]] == "国有"


def test_shapefile_long_chinese_text_and_large_money_round_trip(result, tmp_path):
    # Over 80 bytes (GDAL's default DBF text width) and 12 digits of 元 before the fen.
    owner = "君山区许市镇华龙村第十二村民小组暨东港村第三村民小组联合经济合作社（代管）" * 2
    big = Compensation(Decimal("123456789012.34"), Decimal("0.01"), Decimal("0.10"),
                       Decimal("98765432109.87"))
    plots = (replace(result.plots[0], owner=owner, compensation=big), *result.plots[1:])
    changed = replace(result, plots=plots)
    path = tmp_path / "long.zip"
    path.write_bytes(write_shapefile_zip(changed))
    frame = pyogrio.read_dataframe(path)
    assert 80 < len(owner.encode()) <= 254
    assert_attributes(frame, changed, SHP)
    row = by_code(frame, SHP["plot_code"])[plots[0].code]
    assert row[SHP["owner"]] == owner
    assert yuan(row[SHP["compensation_total"]]) == Decimal("222222221122.32")


# --- GeoJSON ---------------------------------------------------------------------------

def test_geojson_is_rfc7946_lonlat(files):
    text = files["geojson"].read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["type"] == "FeatureCollection" and "crs" not in data
    assert len(data["features"]) == 5
    lon, lat = data["features"][0]["geometry"]["coordinates"][0][0][0]
    assert 112.9 < lon < 113.1 and 29.3 < lat < 29.5
    assert coordinate_decimals(geojson_numbers(text)) >= 9
    for feature in data["features"]:
        for polygon in shapely.geometry.shape(feature["geometry"]).geoms:
            # RFC 7946 §3.1.6: exterior rings anticlockwise, holes clockwise.
            assert polygon.exterior.is_ccw
            assert all(not hole.is_ccw for hole in polygon.interiors)


def test_geojson_read_back_in_gk(files, result):
    frame = pyogrio.read_dataframe(files["geojson"])
    assert frame.crs.to_epsg() == 4326
    assert_areas_in_gk(frame, result, "plot_code")
    assert_attributes(frame, result, NAMES)
    assert_hole_and_parts(frame, "plot_code")
    gk = by_code(frame.to_crs(result.gk_epsg))
    assert gk["NQ-01-01"].geometry.bounds == pytest.approx(
        (X0, Y0, X0 + 120.25, Y0 + 95.5), abs=1e-6)


def large_irregular_result() -> PlanResult:
    """One plot of 3 km × 2.4 km with 400 vertices: coordinate rounding adds up here."""
    t = np.linspace(0, 2 * np.pi, 401)[:-1]
    ring = np.column_stack([X0 + 1500 + 1500 * np.cos(t) + 3.3 * np.sin(7 * t),
                            Y0 + 1200 + 1200 * np.sin(t)])
    geometry = MultiPolygon([Polygon(ring)])
    plot = replace(sample_result().plots[0], code="BIG-01", geometry=geometry,
                   area_m2=geometry.area)
    return replace(sample_result(), plots=(plot,), excluded=())


@pytest.mark.parametrize("writer", [write_geojson, write_kml], ids=["geojson", "kml"])
def test_lonlat_precision_keeps_large_plot_area(writer, tmp_path):
    big = large_irregular_result()
    path = tmp_path / f"big.{writer.__name__.removeprefix('write_')}"
    path.write_bytes(writer(big))
    frame = pyogrio.read_dataframe(path).to_crs(big.gk_epsg)
    assert frame.geometry.iloc[0].area == pytest.approx(big.plots[0].area_m2, abs=0.01)
    # The outline comes back within 10 µm (GDAL's RFC 7946 default of 7 decimals is
    # ~1 cm, 9 decimals ~0.05 mm; 12 decimals, the KML writers' 15 digits, ~0.1 µm).
    assert shapely.hausdorff_distance(
        frame.geometry.iloc[0], big.plots[0].geometry) < 1e-5


# --- KML -------------------------------------------------------------------------------

def test_kml_placemarks_named_by_code_with_description(files, result):
    frame = pyogrio.read_dataframe(files["kml"])
    assert frame.crs.to_epsg() == 4326
    name = "Name" if "Name" in frame.columns else "name"
    assert sorted(frame[name]) == sorted(p.code for p in result.plots)
    rows = by_code(frame, name)
    description = rows["NQ-01-01"]["description"]
    assert "君山区许市镇华龙村村民委员会" in description
    assert "17.2258 亩" in description and "1,798,374.83 元" in description
    assert rows[STATE]["owner"] == "国有"


def test_kml_read_back_in_gk(files, result):
    frame = pyogrio.read_dataframe(files["kml"])
    assert_areas_in_gk(frame, result, "plot_code")
    assert_attributes(frame, result, NAMES)
    assert_hole_and_parts(frame, "plot_code")
    assert coordinate_decimals(kml_numbers(files["kml"].read_text(encoding="utf-8"))) >= 9


def test_kml_escapes_text_in_the_description(result, tmp_path):
    plots = (replace(result.plots[0], owner="<b>华龙村</b> & 东港村"), *result.plots[1:])
    path = tmp_path / "escaped.kml"
    path.write_bytes(write_kml(replace(result, plots=plots)))
    frame = pyogrio.read_dataframe(path)
    description = by_code(frame)["NQ-01-01"]["description"]
    assert "&lt;b&gt;华龙村&lt;/b&gt; &amp; 东港村" in description
    assert "<b>华龙村" not in description


# --- both languages and the registry ---------------------------------------------------

def test_english_values(result, tmp_path):
    path = tmp_path / "en.gpkg"
    path.write_bytes(write_gpkg(result, lang="en"))
    rows = by_code(pyogrio.read_dataframe(path, layer=PLOTS_LAYER))
    assert rows["NQ-01-01"]["land_group"] == "Cultivated land"
    assert rows[STATE]["owner_type"] == "State"
    excluded = pyogrio.read_dataframe(path, layer=EXCLUDED_LAYER, read_geometry=False)
    assert excluded["reason"].tolist() == ["already requisitioned, left out"]
    kml = tmp_path / "en.kml"
    kml.write_bytes(write_kml(result, lang="en"))
    assert "17.2258 mu" in by_code(pyogrio.read_dataframe(kml))["NQ-01-01"]["description"]


def test_registry_dispatches_to_these_writers(result):
    assert export(result, "gpkg").startswith(b"SQLite format 3\x00")
    with zipfile.ZipFile(io.BytesIO(export(result, "shp"))) as archive:
        assert archive.testzip() is None
    assert json.loads(export(result, "geojson"))["type"] == "FeatureCollection"
    assert b"<kml" in export(result, "kml")[:200]


def test_empty_plan_writes_empty_layers(result, tmp_path):
    empty = replace(result, plots=(), excluded=())
    for name, writer in (("gpkg", write_gpkg), ("zip", write_shapefile_zip),
                         ("geojson", write_geojson)):
        path = tmp_path / f"empty.{name}"
        path.write_bytes(writer(empty))
        layer = PLOTS_LAYER if name == "gpkg" else None
        assert len(pyogrio.read_dataframe(path, layer=layer)) == 0, name
