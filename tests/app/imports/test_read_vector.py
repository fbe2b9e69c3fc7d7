"""Shapefile (GBK with and without .cpg, LDID only, detected; UTF-8), GeoPackage layers,
GeoJSON, KML and KMZ read back from files the tests write."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import Point, box

from app.errors import BadRequest
from app.imports import sources

ZONE38 = 4526  # CGCS2000 3° GK zone 38 with prefix: the demo park's
NAMES = ["南区一号地块", "北区工业用地（二期）"]


def _frame(crs=ZONE38, n=2, x0=38_405_000.0, y0=3_259_000.0):
    geoms = [box(x0 + 200 * i, y0, x0 + 200 * i + 100, y0 + 100) for i in range(n)]
    return gpd.GeoDataFrame({"地块编号": [f"NQ-{i + 1}" for i in range(n)],
                             "DKMC": (NAMES * n)[:n], "MJ": [1e4] * n},
                            geometry=geoms, crs=crs)


def _shp(folder, name="plots", encoding="GBK", cpg=True, ldid=None, prj=True, frame=None):
    folder.mkdir(exist_ok=True)
    pyogrio.write_dataframe(frame if frame is not None else _frame(), folder / f"{name}.shp",
                            encoding=encoding)
    if not cpg:
        (folder / f"{name}.cpg").unlink()
    if ldid is not None:
        dbf = folder / f"{name}.dbf"
        data = bytearray(dbf.read_bytes())
        data[29] = ldid
        dbf.write_bytes(bytes(data))
    if not prj:
        (folder / f"{name}.prj").unlink()
    return folder


def _zip_folder(folder, path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for member in sorted(folder.iterdir()):
            z.write(member, member.name)
    return path


def _read_zip(tmp_path, folder, **options):
    return sources.read(_zip_folder(folder, tmp_path / "upload.zip"), filename="地块.zip",
                        **options)


def _names(incoming):
    return [f.properties["DKMC"] for f in incoming.features]


def test_gbk_shapefile_with_cpg(tmp_path):
    incoming = _read_zip(tmp_path, _shp(tmp_path / "s"))
    assert incoming.format == "shp" and incoming.layer == "plots"
    assert (incoming.encoding, incoming.encoding_source) == ("gbk", "cpg")
    assert _names(incoming) == NAMES
    assert [f.properties["地块编号"] for f in incoming.features] == ["NQ-1", "NQ-2"]
    assert incoming.crs == ZONE38 and incoming.crs_candidates == []
    assert incoming.features[0].geometry.equals(box(38_405_000, 3_259_000, 38_405_100,
                                                    3_259_100))
    assert str(incoming.features[1].where) == "feature 2"


def test_gbk_shapefile_without_cpg_uses_the_ldid_byte(tmp_path):
    dbf_bytes = (_shp(tmp_path / "raw", cpg=False) / "plots.dbf").read_bytes()
    assert any(b >= 0x80 for b in dbf_bytes) and "南区".encode("gbk") in dbf_bytes
    incoming = _read_zip(tmp_path, _shp(tmp_path / "s", cpg=False, ldid=0x4D))
    assert (incoming.encoding, incoming.encoding_source) == ("gbk", "ldid")
    assert _names(incoming) == NAMES


def test_gbk_shapefile_without_cpg_or_ldid_is_detected(tmp_path):
    incoming = _read_zip(tmp_path, _shp(tmp_path / "s", cpg=False, ldid=0))
    assert (incoming.encoding, incoming.encoding_source) == ("gb18030", "detected")
    assert _names(incoming) == NAMES


def test_utf8_shapefile_without_cpg_is_detected(tmp_path):
    # a UTF-8 field name longer than the DBF's 11 bytes is cut mid-character by the writer,
    # which pyogrio cannot decode: 宗地号 fits (9 bytes)
    frame = _frame().rename(columns={"地块编号": "宗地号"})
    incoming = _read_zip(tmp_path, _shp(tmp_path / "s", encoding="UTF-8", cpg=False, ldid=0,
                                        frame=frame))
    assert incoming.features[0].properties["宗地号"] == "NQ-1"
    assert (incoming.encoding, incoming.encoding_source) == ("utf-8", "detected")
    assert _names(incoming) == NAMES


def test_the_callers_encoding_wins(tmp_path):
    incoming = _read_zip(tmp_path, _shp(tmp_path / "s"), encoding="latin-1")
    assert incoming.encoding_source == "user"
    assert _names(incoming) != NAMES  # what the user asked for, mojibake and all
    with pytest.raises(BadRequest, match="unknown encoding 'KLINGON'"):
        _read_zip(tmp_path, _shp(tmp_path / "t"), encoding="KLINGON")


def test_a_bare_shapefile_has_candidates_instead_of_a_crs(tmp_path):
    incoming = _read_zip(tmp_path, _shp(tmp_path / "s", prj=False))
    assert incoming.crs is None
    assert [c.epsg for c in incoming.crs_candidates][:1] == [ZONE38]


def test_a_gk_prj_without_an_epsg_code_is_matched_by_its_parameters(tmp_path):
    folder = _shp(tmp_path / "s")
    prj = (folder / "plots.prj").read_text()
    assert "EPSG" not in prj and "Gauss_Kruger" in prj  # GDAL writes the ESRI flavour
    (folder / "plots.prj").write_text(prj.replace("CGCS2000_3_Degree_GK_Zone_38", "自定义"))
    assert _read_zip(tmp_path, folder).crs == ZONE38


def test_a_zip_of_two_shapefiles_lists_both_and_reads_the_chosen(tmp_path):
    folder = _shp(tmp_path / "s", name="roads")
    pyogrio.write_dataframe(_frame(n=3), folder / "plots.shp", encoding="GBK")
    incoming = _read_zip(tmp_path, folder, layer="plots")
    assert incoming.layers == ["plots", "roads"] and len(incoming.features) == 3
    with pytest.raises(BadRequest, match="no layer zones; its layers are plots, roads"):
        _read_zip(tmp_path, folder, layer="zones")


def test_geopackage_with_two_layers(tmp_path):
    path = tmp_path / "delivery.gpkg"
    points = gpd.GeoDataFrame({"点号": ["J1"]}, geometry=[Point(38_405_000, 3_259_000)],
                              crs=ZONE38)
    pyogrio.write_dataframe(points, path, layer="界址点")
    pyogrio.write_dataframe(_frame(n=3), path, layer="地块", append=True)
    incoming = sources.read(path, filename="delivery.gpkg")
    assert incoming.format == "gpkg" and incoming.layers == ["界址点", "地块"]
    assert incoming.layer == "地块" and len(incoming.features) == 3  # the polygon layer
    assert _names(incoming)[:2] == NAMES and incoming.encoding_source is None
    chosen = sources.read(path, filename="delivery.gpkg", layer="界址点")
    assert [f.properties["点号"] for f in chosen.features] == ["J1"]
    with pytest.raises(BadRequest, match="delivery.gpkg has no layer 宗地"):
        sources.read(path, filename="delivery.gpkg", layer="宗地")


def test_geojson_and_kml_in_longitude_latitude(tmp_path):
    frame = _frame().to_crs(4490)
    pyogrio.write_dataframe(frame, tmp_path / "a.geojson")
    incoming = sources.read(tmp_path / "a.geojson", filename="a.geojson")
    assert incoming.format == "geojson" and _names(incoming) == NAMES
    assert incoming.crs in (4326, 4490)
    pyogrio.write_dataframe(frame.to_crs(4326), tmp_path / "a.kml", driver="KML")
    kml = sources.read(tmp_path / "a.kml", filename="a.kml")
    assert kml.format == "kml" and kml.crs == 4326 and len(kml.features) == 2
    assert kml.features[0].geometry.area == pytest.approx(frame.geometry[0].area, rel=1e-6)


def test_kmz(tmp_path):
    frame = _frame().to_crs(4326)
    pyogrio.write_dataframe(frame, tmp_path / "doc.kml", driver="KML")
    path = tmp_path / "plots.kmz"
    with zipfile.ZipFile(path, "w") as z:
        z.write(tmp_path / "doc.kml", "doc.kml")
    incoming = sources.read(path, filename="plots.kmz")
    assert incoming.format == "kmz" and len(incoming.features) == 2
    assert [f.properties["DKMC"] for f in incoming.features] == NAMES


def test_unknown_truncated_and_empty_files_are_refused_by_name(tmp_path):
    (tmp_path / "notes.doc").write_bytes(b"\xd0\xcf\x11\xe0 word")
    with pytest.raises(BadRequest, match="notes.doc is of no format") as caught:
        sources.read(tmp_path / "notes.doc", filename="notes.doc")
    assert caught.value.code == "unknown_format"
    pyogrio.write_dataframe(_frame(), tmp_path / "full.gpkg")
    data = (tmp_path / "full.gpkg").read_bytes()
    (tmp_path / "cut.gpkg").write_bytes(data[:len(data) // 3])
    with pytest.raises(BadRequest, match="cut.gpkg cannot be read as gpkg"):
        sources.read(tmp_path / "cut.gpkg", filename="cut.gpkg")
    (tmp_path / "empty.shp").write_bytes(b"")
    with pytest.raises(BadRequest, match="empty.shp is empty"):
        sources.read(tmp_path / "empty.shp", filename="empty.shp")
    (tmp_path / "cut.geojson").write_text('{"type": "FeatureCollection", "features": [')
    with pytest.raises(BadRequest, match="cut.geojson cannot be read"):
        sources.read(tmp_path / "cut.geojson", filename="cut.geojson")


def test_zero_features_and_a_bow_tie_are_read_as_they_are(tmp_path):
    """The reader hands on what the file holds; the staging reports the empty file and the
    invalid geometry (with where it crosses itself)."""
    (tmp_path / "none.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    empty = sources.read(tmp_path / "none.geojson", filename="none.geojson")
    assert empty.features == [] and empty.crs_candidates == []
    bow_tie = ('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
               '{"DKBH": "B1"}, "geometry": {"type": "Polygon", "coordinates": [[[113.0, '
               '29.44], [113.001, 29.441], [113.001, 29.44], [113.0, 29.441], [113.0, '
               '29.44]]]}}]}')
    (tmp_path / "bow.geojson").write_text(bow_tie)
    feature = sources.read(tmp_path / "bow.geojson", filename="bow.geojson").features[0]
    assert feature.properties == {"DKBH": "B1"} and not feature.geometry.is_valid


def test_refusals_are_in_the_users_language(tmp_path):
    from babel.support import Translations

    (tmp_path / "notes.doc").write_bytes(b"\xd0\xcf\x11\xe0 word")
    with pytest.raises(BadRequest) as caught:
        sources.read(tmp_path / "notes.doc", filename="说明.doc")
    zh = Translations.load(Path(__file__).resolve().parents[3] / "app/translations", ["zh"])
    assert caught.value.localize(zh.gettext).message.startswith(
        "说明.doc 不是园区一张图可导入的格式")


def test_member_names_written_in_gbk_by_chinese_windows_zip_tools(tmp_path):
    folder = _shp(tmp_path / "s", name="XXXX")  # 4 bytes, as 地块 in GBK
    data = _zip_folder(folder, tmp_path / "a.zip").read_bytes()
    assert b"XXXX" in data and "地块".encode("gbk") not in data
    (tmp_path / "gbk.zip").write_bytes(data.replace(b"XXXX", "地块".encode("gbk")))
    incoming = sources.read(tmp_path / "gbk.zip", filename="gbk.zip")
    assert incoming.layer == "地块" and incoming.layers == ["地块"] and _names(incoming) == NAMES
