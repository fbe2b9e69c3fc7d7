"""Coordinate lists (CSV, XLSX) with rings, and the 报批坐标 TXT with its m² warning."""

from __future__ import annotations

import openpyxl
import pytest

from app.errors import BadRequest
from app.imports import sources

N0, E0 = 3_259_000.0, 38_405_000.0  # X north, Y east with the zone prefix (zone 38)


def _rows(code, ring, corners, close=False):
    points = [*corners, corners[0]] if close else corners
    return [[code, f"J{i + 1}", f"{N0 + n:.3f}", f"{E0 + e:.3f}", ring, "南区"]
            for i, (n, e) in enumerate(points)]


def _square(n, e, size):
    return [(n, e), (n + size, e), (n + size, e + size), (n, e + size)]


def _table():
    header = [["地块编号", "点号", "X坐标", "Y坐标", "圈号", "所在片区"]]
    return header + _rows("NQ-01", 1, _square(0, 0, 100)) \
        + _rows("NQ-01", 2, _square(40, 40, 20), close=True) \
        + _rows("NQ-02", 1, _square(0, 200, 50), close=True)


def _csv(path, rows, encoding="utf-8"):
    path.write_bytes("\r\n".join(",".join(map(str, r)) for r in rows).encode(encoding))
    return path


def _check(incoming, title_rows=0):
    assert [f.properties["地块编号"] for f in incoming.features] == ["NQ-01", "NQ-02"]
    first, second = (f.geometry for f in incoming.features)
    assert first.area == pytest.approx(10000 - 400) and len(first.interiors) == 1
    assert second.area == pytest.approx(2500)
    assert first.bounds == (E0, N0, E0 + 100, N0 + 100)  # swapped: x is the easting
    assert incoming.features[0].properties["所在片区"] == "南区"
    first_row = 11 + title_rows
    assert str(incoming.features[1].where) == f"plot NQ-02 (rows {first_row}–{first_row + 4})"
    assert incoming.crs is None and incoming.crs_candidates[0].epsg == 4526


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_csv_list_with_a_hole_and_unclosed_rings(tmp_path, encoding):
    incoming = sources.read(_csv(tmp_path / "points.csv", _table(), encoding),
                            filename="界址点.csv")
    assert incoming.format == "csv"
    assert incoming.encoding == ("utf-8" if encoding == "utf-8" else "gb18030")
    _check(incoming)


def test_english_headers_semicolons_and_a_second_part(tmp_path):
    rows = [["code", "point", "X", "Y", "ring"]]
    rows += [[r[0], r[1], r[2], r[3], r[4]] for r in _rows("P1", 1, _square(0, 0, 10))]
    rows += [[r[0], r[1], r[2], r[3], r[4]] for r in _rows("P1", 2, _square(0, 50, 10))]
    path = tmp_path / "p.csv"
    path.write_text("\n".join(";".join(map(str, r)) for r in rows))
    geometry = sources.read(path, filename="p.csv").features[0].geometry
    assert geometry.geom_type == "MultiPolygon" and geometry.area == pytest.approx(200)


def test_xlsx_list_with_a_title_row(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "界址点成果表"
    sheet.append(["某某园区界址点成果表"])
    for row in _table():
        sheet.append([float(v) if i in (2, 3) and row[0] != "地块编号" else v
                      for i, v in enumerate(row)])
    book.create_sheet("说明")
    book.save(tmp_path / "list.xlsx")
    incoming = sources.read(tmp_path / "list.xlsx", filename="界址点.xlsx")
    assert incoming.format == "xlsx" and incoming.layers == ["界址点成果表", "说明"]
    _check(incoming, title_rows=1)
    with pytest.raises(BadRequest, match="界址点.xlsx has no sheet 坐标"):
        sources.read(tmp_path / "list.xlsx", filename="界址点.xlsx", layer="坐标")


def test_a_missing_point_coordinate_names_the_row(tmp_path):
    rows = _table()
    rows[3][3] = ""
    with pytest.raises(BadRequest, match=r"界址点.csv, row 4: the Y坐标 coordinate is missing"):
        sources.read(_csv(tmp_path / "p.csv", rows), filename="界址点.csv")
    rows[3][3] = "38405O00"
    with pytest.raises(BadRequest, match=r"row 4: Y坐标 '38405O00' is not a number"):
        sources.read(_csv(tmp_path / "p.csv", rows), filename="界址点.csv")


def test_a_ring_of_two_points_is_refused(tmp_path):
    rows = [_table()[0], *_rows("P", 1, [(0, 0), (10, 0), (0, 0)])]
    with pytest.raises(BadRequest, match="plot P, rows 2–4: a ring needs at least 3"):
        sources.read(_csv(tmp_path / "p.csv", rows), filename="p.csv")


def test_columns_the_other_way_round_are_read_as_the_numbers_say(tmp_path):
    rows = [["地块编号", "点号", "X", "Y"]]
    rows += [[r[0], r[1], r[3], r[2]] for r in _rows("P", 1, _square(0, 0, 10))]
    incoming = sources.read(_csv(tmp_path / "p.csv", rows), filename="p.csv")
    assert incoming.features[0].geometry.bounds[0] == E0
    assert "holds eastings" in str(incoming.warnings[0])


def _txt(area_ha: str, zone: str = "38") -> bytes:
    lines = ["[属性描述]", "格式版本号=1.01", "数据产生单位=某某园区管委会",
             "坐标系=2000国家大地坐标系", "几度分带=3", "投影类型=高斯克吕格", "计量单位=米",
             f"带号={zone}", "精度=0.05",
             "转换参数=,,,,,,", "[地块坐标]",
             f"5,{area_ha},NQ-01,南区一号,面,,工业用地,0601,@"]
    for i, (n, e) in enumerate([*_square(0, 0, 100), (0, 0)]):
        lines.append(f"J{i % 4 + 1},1,{N0 + n:.4f},{E0 + e:.4f}")
    return ("\r\n".join(lines) + "\r\n").encode("gbk")


def test_coordinate_txt(tmp_path):
    (tmp_path / "bp.txt").write_bytes(_txt("1.000000"))
    incoming = sources.read(tmp_path / "bp.txt", filename="报批坐标.txt")
    assert incoming.format == "txt" and incoming.encoding == "gb18030"
    assert incoming.crs == 4526 and incoming.warnings == []
    feature = incoming.features[0]
    assert feature.properties["地块名称"] == "南区一号" and feature.properties["地类编码"] == "0601"
    assert feature.geometry.area == pytest.approx(10000)
    assert feature.geometry.bounds == (E0, N0, E0 + 100, N0 + 100)
    assert str(feature.where) == "line 12: parcel NQ-01"


def test_coordinate_txt_with_the_area_in_square_metres_warns(tmp_path):
    (tmp_path / "bp.txt").write_bytes(_txt("10000.000000"))
    incoming = sources.read(tmp_path / "bp.txt", filename="报批坐标.txt")
    assert len(incoming.features) == 1
    assert "this looks like m², not 公顷" in str(incoming.warnings[0])
    assert "NQ-01" in str(incoming.warnings[0])


def test_a_broken_coordinate_txt_names_the_file_and_line(tmp_path):
    data = _txt("1.0").replace(b"J3,1,", b"J3,x,")
    (tmp_path / "bp.txt").write_bytes(data)
    with pytest.raises(BadRequest, match=r"报批坐标.txt: line 15: bad 圈号 'x'"):
        sources.read(tmp_path / "bp.txt", filename="报批坐标.txt")


def test_a_txt_without_the_attribute_section_is_a_coordinate_list(tmp_path):
    path = _csv(tmp_path / "坐标.txt", _table(), "gbk")
    incoming = sources.read(path, filename="坐标.txt")
    assert incoming.format == "csv"
    _check(incoming)
