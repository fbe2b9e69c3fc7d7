"""The GIS files as the land office's tools read them, with GDAL 3.6's `ogrinfo` as their
stand-in (issue 11): the Shapefile in GBK (DBF code page 936 + .cpg) and on request in
UTF-8, the GeoPackage in a version GDAL 3.6 reads without a warning, and GeoJSON/KML
saying the CRS they are really in. No database needed."""

from __future__ import annotations

import json
import re
import sqlite3
import zipfile
from dataclasses import replace

import pytest

from app.errors import BadRequest
from app.exporters import FORMATS, export, filename
from app.exporters.gis_files import SHAPEFILE_FIELDS, write_shapefile_zip
from app.plan_result import PlanResult
from tests.gdal_cli import gdal_version, ogrinfo
from tests.plan_samples import sample_result

#: 40 Chinese characters: 80 bytes in GBK, 120 in UTF-8 (GDAL's default text field is 80).
LONG_OWNER = "君山区许市镇华龙村第十二村民小组暨东港村第三村民小组联合经济合作社代管地块甲乙丙"
OWNER = SHAPEFILE_FIELDS["owner"]


@pytest.fixture(scope="module")
def result() -> PlanResult:
    plots = (replace(sample_result().plots[0], owner=LONG_OWNER), *sample_result().plots[1:])
    return replace(sample_result(), plots=plots)


def test_the_readers_are_gdal_3_6():
    assert gdal_version().startswith("3.6")


def unzip(data: bytes, tmp_path) -> dict[str, bytes]:
    path = tmp_path / "plan.zip"
    path.write_bytes(data)
    with zipfile.ZipFile(path) as archive:
        archive.extractall(tmp_path / "shp")
        return {name.rsplit(".", 1)[1]: archive.read(name) for name in archive.namelist()}


def shapefile_values(tmp_path, field: str) -> list[str]:
    shp = next((tmp_path / "shp").glob("*.shp"))
    out = ogrinfo("-al", str(shp))
    assert "couldn't be converted" not in out.stderr, out.stderr
    return re.findall(rf"^  {field} \(String\) = (.*)$", out.stdout, re.M)


# --- Shapefile -------------------------------------------------------------------------

def test_shapefile_is_gbk_by_default(result, tmp_path):
    assert len(LONG_OWNER) == 40
    members = unzip(export(result, "shp"), tmp_path)
    assert members["dbf"][29] == 0x4D                    # language driver ID: GBK (936)
    assert members["cpg"] == b"936"
    assert LONG_OWNER.encode("gbk") in members["dbf"]    # the bytes are GBK, not UTF-8
    assert LONG_OWNER.encode("utf-8") not in members["dbf"]
    owners = shapefile_values(tmp_path, OWNER)
    assert sorted(owners) == sorted(p.owner for p in result.plots)
    assert LONG_OWNER in owners
    classes = shapefile_values(tmp_path, SHAPEFILE_FIELDS["land_class_name"])
    assert "水田" in classes and "农村宅基地" in classes
    groups = shapefile_values(tmp_path, SHAPEFILE_FIELDS["land_group"])
    assert "耕地" in groups
    # the note beside it is GBK too, for the same Notepad
    note = members["txt"].decode("gbk")
    assert "坐标系 2000国家大地坐标系 3度带 高斯-克吕格投影 第38带（EPSG:4526）" in note


def test_the_dbf_alone_says_gbk(result, tmp_path):
    # MapGIS and dBASE tools go by the DBF's language driver ID, not the .cpg: GDAL does
    # the same when the .cpg is missing
    unzip(export(result, "shp"), tmp_path)
    next((tmp_path / "shp").glob("*.cpg")).unlink()
    assert LONG_OWNER in shapefile_values(tmp_path, OWNER)


def test_shapefile_in_utf8_on_request(result, tmp_path):
    members = unzip(export(result, "shp", encoding="utf-8"), tmp_path)
    assert members["cpg"] == b"UTF-8"
    assert LONG_OWNER.encode("utf-8") in members["dbf"]
    assert LONG_OWNER in shapefile_values(tmp_path, OWNER)
    assert members["txt"].decode("utf-8-sig").startswith(result.title)


def test_field_names_are_ascii_and_at_most_ten_bytes(result, tmp_path):
    unzip(export(result, "shp"), tmp_path)
    out = ogrinfo("-al", "-so", str(next((tmp_path / "shp").glob("*.shp")))).stdout
    fields = re.findall(r"^(\w+): (?:String|Real|Integer|Integer64|Date)", out, re.M)
    assert fields == list(SHAPEFILE_FIELDS.values())
    assert all(len(f.encode()) <= 10 for f in fields)
    width = int(re.search(rf"^{OWNER}: String \((\d+)\.0\)", out, re.M).group(1))
    assert width >= len(LONG_OWNER.encode("gbk"))


def test_a_character_gbk_lacks_is_refused_with_its_plot(result):
    plots = (replace(result.plots[1], owner="华龙村𠮷组"), *result.plots[2:])
    with pytest.raises(BadRequest) as refused:
        write_shapefile_zip(replace(result, plots=plots))
    assert refused.value.message == (f"plot {result.plots[1].code}: character '𠮷' (U+20BB7) "
                                     "cannot be written in GBK; change the text or export "
                                     "with encoding=utf-8")
    # in UTF-8 it is written
    write_shapefile_zip(replace(result, plots=plots), encoding="utf-8")


def test_encoding_is_an_option_of_shp_only_with_known_values(result):
    assert FORMATS["shp"].options == ("encoding",)
    with pytest.raises(BadRequest):
        export(result, "shp", encoding="latin-1")
    with pytest.raises(BadRequest):
        export(result, "gpkg", encoding="gbk")


# --- GeoPackage ------------------------------------------------------------------------

def test_gpkg_is_version_1_2_and_gdal_3_6_reads_it_without_a_warning(result, tmp_path):
    path = tmp_path / filename(result, "gpkg")
    path.write_bytes(export(result, "gpkg"))
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47   # "GPKG"
        assert db.execute("PRAGMA user_version").fetchone()[0] == 10200
    out = ogrinfo("-al", "-so", str(path))
    assert "partially supported" not in out.stderr and "Warning" not in out.stderr, out.stderr
    assert "Feature Count: 5" in out.stdout
    assert "2000国家大地坐标系 3度带 高斯-克吕格投影 第38带（EPSG:4526）" in ogrinfo(
        str(path), "plan_plots", "-so").stdout
    full = ogrinfo("-al", str(path), "plan_plots").stdout
    assert f"owner (String) = {LONG_OWNER}" in full


# --- GeoJSON and KML -------------------------------------------------------------------

@pytest.mark.parametrize("lang, wgs84", [
    ("zh", "坐标系 WGS 84 经纬度（EPSG:4326）"),
    ("en", "CRS WGS 84 longitude/latitude (EPSG:4326)")])
def test_geojson_and_kml_say_wgs84(result, tmp_path, lang, wgs84):
    geojson = json.loads(export(result, "geojson", lang=lang))
    assert wgs84 in geojson["description"]
    kml = export(result, "kml", lang=lang).decode("utf-8")
    document = re.search(r"<Document[^>]*>.*?<description>(.*?)</description>", kml, re.S)
    assert wgs84 in document.group(1)
    for text in (geojson["description"], kml):
        assert "4526" not in text
    path = tmp_path / "plan.kml"
    path.write_text(kml, encoding="utf-8")
    assert "WGS 84" in ogrinfo("-al", "-so", str(path)).stdout


def test_gk_files_say_gk_in_english(result, tmp_path):
    members = unzip(export(result, "shp", lang="en"), tmp_path)
    assert "CRS CGCS2000 3-degree Gauss-Krüger zone 38 (EPSG:4526)" in members["txt"].decode(
        "gbk")
