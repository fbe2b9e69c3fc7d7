"""DXF drawings (CASS conventions) read with ezdxf: R2000 in GBK ($DWGCODEPAGE ANSI_936)
and R2018 in UTF-8; JZX rings with a nested hole, JZD points, ZDH numbers placed by point in
polygon, a hatch with a hole, layers listed with counts."""

from __future__ import annotations

import ezdxf
import pytest

from app.errors import BadRequest
from app.imports import sources

X0, Y0 = 38_405_000.0, 3_259_000.0  # CAD x = easting (zone prefix), y = northing


def _square(x, y, size):
    return [(x, y), (x + size, y), (x + size, y + size), (x, y + size)]


def _drawing(version: str, encoding: str | None = None):
    doc = ezdxf.new(version)
    if encoding:
        doc.encoding = encoding  # $DWGCODEPAGE, as app/exporters/cad.py writes it
    msp = doc.modelspace()
    for name in ("JZX", "JZD", "ZDH", "DLSS"):
        doc.layers.add(name)
    # parcel 1 with a hole (a nested ring); parcel 2 beside it; an open line
    msp.add_lwpolyline(_square(X0, Y0, 100), close=True, dxfattribs={"layer": "JZX"})
    msp.add_lwpolyline(_square(X0 + 40, Y0 + 40, 20), close=True, dxfattribs={"layer": "JZX"})
    msp.add_lwpolyline(_square(X0 + 200, Y0, 50) + [(X0 + 200, Y0)],
                       dxfattribs={"layer": "JZX"})  # closed by repeating its first point
    msp.add_lwpolyline([(X0, Y0 - 10), (X0 + 250, Y0 - 10)], dxfattribs={"layer": "JZX"})
    for x, y in _square(X0, Y0, 100):
        msp.add_point((x, y), dxfattribs={"layer": "JZD"})
    msp.add_text("320105001001JA00001", dxfattribs={"layer": "ZDH", "insert": (X0 + 5, Y0 + 5)})
    msp.add_mtext("南区二号地块", dxfattribs={"layer": "ZDH", "insert": (X0 + 210, Y0 + 10)})
    msp.add_text("孔内", dxfattribs={"layer": "ZDH", "insert": (X0 + 1000, Y0 + 1000)})
    hatch = msp.add_hatch(dxfattribs={"layer": "DLSS"})
    hatch.paths.add_polyline_path(_square(X0 + 400, Y0, 100), is_closed=True)
    hatch.paths.add_polyline_path(_square(X0 + 425, Y0 + 25, 50), is_closed=True)
    return doc


def _check_parcels(incoming):
    assert incoming.format == "dxf" and incoming.layer == "JZX"
    assert incoming.layers == ["DLSS", "JZD", "JZX"]
    assert incoming.layer_counts == {"DLSS": 1, "JZD": 4, "JZX": 4}
    polygons = [f for f in incoming.features if f.geometry.geom_type == "Polygon"]
    assert [round(f.geometry.area) for f in polygons] == [10000 - 400, 2500]
    assert [f.properties.get("ZDH") for f in polygons] == ["320105001001JA00001", "南区二号地块"]
    lines = [f for f in incoming.features if f.geometry.geom_type == "LineString"]
    assert len(lines) == 1 and lines[0].geometry.length == 250
    assert str(polygons[0].where).startswith("layer JZX entity ")
    assert incoming.crs is None
    assert incoming.crs_candidates[0].epsg == 4526  # zone 38 read from the prefix


def test_r2000_drawing_in_gbk(tmp_path):
    path = tmp_path / "cass.dxf"
    _drawing("R2000", "gbk").saveas(path)
    data = path.read_bytes()
    assert b"ANSI_936" in data and "南区二号地块".encode("gbk") in data  # a real GBK file
    incoming = sources.read(path, filename="宗地图.dxf")
    assert incoming.encoding == "gbk" and incoming.encoding_source == "declared"
    _check_parcels(incoming)


def test_r2018_drawing_in_utf8(tmp_path):
    path = tmp_path / "cass.dxf"
    _drawing("R2018").saveas(path)
    assert "南区二号地块".encode() in path.read_bytes()
    incoming = sources.read(path, filename="宗地图.dxf")
    assert incoming.encoding == "utf-8"
    _check_parcels(incoming)


def test_chosen_layers_points_and_a_hatch_with_a_hole(tmp_path):
    path = tmp_path / "cass.dxf"
    _drawing("R2018").saveas(path)
    incoming = sources.read(path, filename="宗地图.dxf", layer="DLSS,JZD")
    assert incoming.layer == "DLSS,JZD"
    kinds = sorted(f.geometry.geom_type for f in incoming.features)
    assert kinds == ["Point"] * 4 + ["Polygon"]
    hatch = next(f.geometry for f in incoming.features if f.geometry.geom_type == "Polygon")
    assert len(hatch.interiors) == 1 and hatch.area == pytest.approx(10000 - 2500)
    with pytest.raises(BadRequest, match="宗地图.dxf has no layer ZJX with geometry; its "
                                         "layers are DLSS, JZD, JZX"):
        sources.read(path, filename="宗地图.dxf", layer="ZJX")


def test_a_labelled_ring_inside_another_is_a_hole_and_a_parcel(tmp_path):
    doc = _drawing("R2018")
    doc.modelspace().add_text("岛", dxfattribs={"layer": "ZDH", "insert": (X0 + 45, Y0 + 45)})
    path = tmp_path / "island.dxf"
    doc.saveas(path)
    polygons = [f for f in sources.read(path, filename="island.dxf").features
                if f.geometry.geom_type == "Polygon"]
    assert [(round(f.geometry.area), f.properties.get("ZDH")) for f in polygons] == [
        (9600, "320105001001JA00001"), (400, "岛"), (2500, "南区二号地块")]


def test_a_damaged_or_foreign_file_is_refused_by_name(tmp_path):
    path = tmp_path / "bad.dxf"
    path.write_text("  0\nSECTION\n  2\nENTITIES\n  0\nLWPOLYLINE\n 10\nnot a number\n")
    with pytest.raises(BadRequest, match="bad.dxf"):
        sources.read(path, filename="bad.dxf")
