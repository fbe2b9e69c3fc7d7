"""界址点 as a plan-wide set (issue 11): the north-west rule, one number per shared
corner, the per-plot option, and the 界址点成果表 (TD/T 1008) in XLSX, CSV and PDF.

The shapes are drawn here in GK metres; each test states the numbers a surveyor would
write for them, worked out by hand, not by the code under test.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import subprocess

import openpyxl
import pytest
from shapely import affinity
from shapely.geometry import MultiPolygon, Polygon, box

from app import coordinate_file, exporters
from app.errors import BadRequest, Unprocessable
from app.exporters import report, workbook
from app.plan_result import PlanResult, Survey, number_points, plot_rings
from tests.plan_samples import X0, Y0, sample_plots, sample_result


def plot(code: str, *polygons: Polygon):
    geometry = MultiPolygon(list(polygons))
    return dataclasses.replace(sample_plots()[0], code=code, geometry=geometry,
                               area_m2=geometry.area)


def plan(*plots, **overrides) -> PlanResult:
    return sample_result(plots=tuple(plots), excluded=(), context=(), **overrides)


# shapely's box() runs anticlockwise from its south-east corner: SE, NE, NW, SW


def coords(points, code=None):
    """(name, ring, easting − X0, northing − Y0) of the points, of one plot if given."""
    return [(p.name, p.ring, round(p.y - X0, 4), round(p.x - Y0, 4))
            for p in points if code is None or p.plot_code == code]


# --- the north-west rule -----------------------------------------------------------------------

def test_rotated_rectangle_starts_at_its_north_west_corner():
    """The issue's NQ-24-04: a rectangle turned 5° anticlockwise has its north-east corner
    highest; J1 is still the north-west corner, then clockwise: NE, SE, SW."""
    rect = affinity.rotate(box(X0, Y0, X0 + 280, Y0 + 45), 5, origin=(X0, Y0))
    se, ne, nw, sw = [(round(x - X0, 4), round(y - Y0, 4))
                      for x, y in list(rect.exterior.coords)[:4]]
    assert ne[1] > nw[1]                             # the NE corner is the northernmost
    points = number_points([plot("R", rect)])
    assert [(e, n) for _, _, e, n in coords(points)] == [nw, ne, se, sw]
    assert [p.name for p in points] == ["J1", "J2", "J3", "J4"]


def test_rotated_the_other_way_starts_at_the_north_west_corner_too():
    rect = affinity.rotate(box(X0, Y0, X0 + 280, Y0 + 45), -5, origin=(X0, Y0))
    se, ne, nw, sw = [(round(x - X0, 4), round(y - Y0, 4))
                      for x, y in list(rect.exterior.coords)[:4]]
    assert nw[1] > ne[1]
    assert [(e, n) for _, _, e, n in coords(number_points([plot("R", rect)]))] == \
        [nw, ne, se, sw]


def test_l_shape_starts_at_the_vertex_nearest_the_north_west_of_its_box():
    # an L: the tall arm is in the east, so the box's NW corner (0, 100) lies outside;
    # the nearest vertex is (0, 40) (distance 60), not the northernmost (60, 100) (60 too:
    # the tie goes to the more northern one)
    ell = Polygon([(X0, Y0), (X0 + 100, Y0), (X0 + 100, Y0 + 100), (X0 + 60, Y0 + 100),
                   (X0 + 60, Y0 + 40), (X0, Y0 + 40)])
    assert coords(number_points([plot("L", ell)])) == [
        ("J1", 1, 60, 100), ("J2", 1, 100, 100), ("J3", 1, 100, 0), ("J4", 1, 0, 0),
        ("J5", 1, 0, 40), ("J6", 1, 60, 40)]
    # moved 1 m west, the inner corner is nearer: it starts there
    ell2 = Polygon([(X0, Y0), (X0 + 100, Y0), (X0 + 100, Y0 + 100), (X0 + 61, Y0 + 100),
                    (X0 + 61, Y0 + 70), (X0, Y0 + 70)])
    assert coords(number_points([plot("L", ell2)]))[0] == ("J1", 1, 0, 70)


def test_u_shape_starts_at_the_top_of_its_west_arm():
    # a U open to the north: the west arm's top-left corner is the box's NW corner
    u = Polygon([(X0, Y0), (X0 + 90, Y0), (X0 + 90, Y0 + 60), (X0 + 60, Y0 + 60),
                 (X0 + 60, Y0 + 20), (X0 + 30, Y0 + 20), (X0 + 30, Y0 + 60), (X0, Y0 + 60)])
    assert [(e, n) for _, _, e, n in coords(number_points([plot("U", u)]))] == [
        (0, 60), (30, 60), (30, 20), (60, 20), (60, 60), (90, 60), (90, 0), (0, 0)]


def test_hole_runs_anticlockwise_from_its_own_north_west_vertex():
    hole = affinity.rotate(box(X0 + 40, Y0 + 40, X0 + 80, Y0 + 60), 10,
                           origin=(X0 + 40, Y0 + 40))
    holed = Polygon(box(X0, Y0, X0 + 120, Y0 + 100).exterior.coords, [hole.exterior.coords])
    se, ne, nw, sw = [(round(x - X0, 4), round(y - Y0, 4))
                      for x, y in list(hole.exterior.coords)[:4]]
    points = coords(number_points([plot("H", holed)]))
    assert [(e, n) for _, r, e, n in points if r == 1] == [(0, 100), (120, 100), (120, 0),
                                                           (0, 0)]
    # anticlockwise on the map: from NW south to SW, east to SE, north to NE
    assert [(e, n) for _, r, e, n in points if r == 2] == [nw, sw, se, ne]
    assert [name for name, *_ in points] == [f"J{n}" for n in range(1, 9)]


def test_multipart_plot_numbers_each_part_outer_ring_then_its_holes():
    first = Polygon(box(X0, Y0, X0 + 50, Y0 + 50).exterior.coords,
                    [box(X0 + 10, Y0 + 10, X0 + 20, Y0 + 20).exterior.coords])
    second = box(X0 + 100, Y0, X0 + 130, Y0 + 30)
    points = coords(number_points([plot("M", first, second)]))
    assert points == [
        ("J1", 1, 0, 50), ("J2", 1, 50, 50), ("J3", 1, 50, 0), ("J4", 1, 0, 0),
        ("J5", 2, 10, 20), ("J6", 2, 10, 10), ("J7", 2, 20, 10), ("J8", 2, 20, 20),
        ("J9", 3, 100, 30), ("J10", 3, 130, 30), ("J11", 3, 130, 0), ("J12", 3, 100, 0)]


def test_plot_rings_close_every_ring_on_its_first_point():
    rings = plot_rings(MultiPolygon([box(X0, Y0, X0 + 10, Y0 + 10)]))
    assert rings == [[(X0, Y0 + 10), (X0 + 10, Y0 + 10), (X0 + 10, Y0), (X0, Y0),
                      (X0, Y0 + 10)]]


# --- one number per point across the plan ----------------------------------------------------

def test_a_corner_shared_by_two_plots_has_one_number():
    west = box(X0, Y0, X0 + 100, Y0 + 80)
    east = box(X0 + 100, Y0, X0 + 180, Y0 + 80)
    points = number_points([plot("W", west), plot("E", east)])
    assert coords(points, "W") == [("J1", 1, 0, 80), ("J2", 1, 100, 80), ("J3", 1, 100, 0),
                                   ("J4", 1, 0, 0)]
    # E starts at its NW corner, which is W's J2; its SW corner is W's J3
    assert coords(points, "E") == [("J2", 1, 100, 80), ("J5", 1, 180, 80),
                                   ("J6", 1, 180, 0), ("J3", 1, 100, 0)]
    assert len({p.number for p in points}) == 6


def test_a_corner_shared_by_three_plots_has_one_number():
    a = box(X0, Y0 + 50, X0 + 60, Y0 + 100)
    b = box(X0 + 60, Y0 + 50, X0 + 120, Y0 + 100)
    c = box(X0, Y0, X0 + 120, Y0 + 50)              # under both: (60, 50) is on its side
    d = box(X0 + 60, Y0 - 40, X0 + 100, Y0)         # under c, touching it along a side
    points = number_points([plot("A", a), plot("B", b), plot("C", c), plot("D", d)])
    shared = [(p.plot_code, p.name) for p in points if (p.y - X0, p.x - Y0) == (60, 50)]
    assert shared == [("A", "J3"), ("B", "J3")]     # not a vertex of C: C's side runs past
    assert coords(points, "C") == [("J4", 1, 0, 50), ("J6", 1, 120, 50), ("J7", 1, 120, 0),
                                   ("J8", 1, 0, 0)]
    # D's top corners lie on C's side: vertices of D only, numbered with D
    assert coords(points, "D") == [("J9", 1, 60, 0), ("J10", 1, 100, 0),
                                   ("J11", 1, 100, -40), ("J12", 1, 60, -40)]
    three = box(X0 + 120, Y0 + 50, X0 + 180, Y0 + 100)  # (120, 50): B, C and this plot
    points = number_points([plot("A", a), plot("B", b), plot("C", c), plot("T", three)])
    corner = {(p.plot_code, p.name) for p in points if (p.y - X0, p.x - Y0) == (120, 50)}
    assert corner == {("B", "J6"), ("C", "J6"), ("T", "J6")}


def test_points_equal_when_written_are_one_point():
    """Equal at the written 0.1 mm: 0.00002 m apart in the data, one number in the files."""
    west = box(X0, Y0, X0 + 100.00002, Y0 + 80)
    east = box(X0 + 100, Y0, X0 + 180, Y0 + 80)
    points = number_points([plot("W", west), plot("E", east)])
    assert [p.name for p in points if p.plot_code == "E"] == ["J2", "J5", "J6", "J3"]
    apart = box(X0 + 100.0002, Y0, X0 + 180, Y0 + 80)    # 0.2 mm: two points
    points = number_points([plot("W", west), plot("E", apart)])
    assert [p.name for p in points if p.plot_code == "E"] == ["J5", "J6", "J7", "J8"]


def test_per_plot_numbering_restarts_at_j1():
    west = box(X0, Y0, X0 + 100, Y0 + 80)
    east = box(X0 + 100, Y0, X0 + 180, Y0 + 80)
    result = plan(plot("W", west), plot("E", east))
    assert [p.name for p in result.boundary_points] == ["J1", "J2", "J3", "J4",
                                                        "J2", "J5", "J6", "J3"]
    per_plot = result.numbered("plot")
    assert per_plot.survey.numbering == "plot" and result.survey.numbering == "plan"
    assert [p.name for p in per_plot.boundary_points] == ["J1", "J2", "J3", "J4"] * 2
    assert result.numbered(None) is result
    setting = plan(plot("W", west), plot("E", east), survey=Survey(numbering="plot"))
    assert setting.boundary_points == per_plot.boundary_points


def test_the_numbering_option_reaches_every_format_that_writes_points():
    result = plan(plot("W", box(X0, Y0, X0 + 100, Y0 + 80)),
                  plot("E", box(X0 + 100, Y0, X0 + 180, Y0 + 80)))
    assert exporters.POINT_FORMATS == ("package", "xlsx", "txt", "points", "points-csv", "dxf",
                                       "pdf")
    txt = exporters.export(result, "txt", numbering="plot").decode("gbk")
    assert "J1,1,3256080.0000,38403100.0000" in txt          # E's NW corner, its own J1
    assert "J2,1,3256080.0000,38403100.0000" in exporters.export(result, "txt").decode("gbk")
    assert exporters.export(result, "txt", numbering="plan") == exporters.export(result, "txt")
    csv_plot = exporters.export(result, "points-csv", numbering="plot").decode("utf-8-sig")
    assert [r[1] for r in csv.reader(io.StringIO(csv_plot)) if r[0] == "E"] == \
        ["J1", "J2", "J3", "J4", "J1"]
    for name in ("xlsx", "points", "dxf", "pdf"):
        exporters.export(result, name, numbering="plot")      # taken, not refused
    with pytest.raises(BadRequest, match="numbering must be one of plan, plot, not 'zig'"):
        exporters.export(result, "txt", numbering="zig")
    with pytest.raises(BadRequest, match="does not take numbering"):
        exporters.export(result, "geojson", numbering="plot")


def test_survey_settings_are_frozen_and_older_results_load():
    result = plan(plot("W", box(X0, Y0, X0 + 100, Y0 + 80)),
                  survey=Survey("plot", "steel_nail", "wall", "inside"))
    again = PlanResult.from_json(result.to_json())
    assert again.survey == result.survey and again.boundary_points == result.boundary_points
    older = json.loads(result.to_json())
    del older["survey"]                              # frozen before issue 11
    assert PlanResult.from_json(older).survey == Survey()


def test_survey_settings_outside_their_vocabulary_are_refused():
    assert Survey.from_settings({}) == Survey()
    assert Survey.from_settings({"survey": {"point_numbering": "plot", "marker_type": "paint"}}
                                ) == Survey(numbering="plot", marker_type="paint")
    with pytest.raises(Unprocessable, match='survey.line_position is "left"') as caught:
        Survey.from_settings({"survey": {"line_position": "left"}})
    assert caught.value.code == "bad_setting"


# --- the 界址点成果表 --------------------------------------------------------------------------

HEADINGS = ["地块编号", "点号", "圈号", "界标类型", "X（北坐标，米）", "Y（东坐标，含带号，米）",
            "界址线类别", "界址线位置", "边长（米）"]


def shared_plan(**survey):
    """Two plots sharing a side, the second with a hole."""
    east = Polygon(box(X0 + 100, Y0, X0 + 180, Y0 + 80).exterior.coords,
                   [box(X0 + 120, Y0 + 20, X0 + 140, Y0 + 40).exterior.coords])
    return plan(plot("W", box(X0, Y0, X0 + 100, Y0 + 80)), plot("E", east),
                survey=Survey(**survey))


def blocks(ws):
    """The sheet's tables: {caption: (heading row, point rows, total row)}."""
    rows = list(ws.iter_rows(values_only=True))
    found = {}
    i = 0
    while i < len(rows):
        if rows[i][0] and str(rows[i][0]).startswith(("地块编号：", "Plot: ")):
            end = next(k for k in range(i + 2, len(rows)) if rows[k][0] in ("合计", "Total"))
            found[rows[i][0]] = (list(rows[i + 1]), rows[i + 2:end], rows[end])
            i = end
        i += 1
    return found


def test_points_xlsx_has_one_table_per_plot_with_closing_rows_and_its_area():
    result = shared_plan()
    ws = openpyxl.load_workbook(io.BytesIO(workbook.write_points_xlsx(result))).active
    tables = blocks(ws)
    assert list(tables) == ["地块编号：W", "地块编号：E"]
    heading, rows, total = tables["地块编号：W"]
    assert heading == HEADINGS
    assert [r[:3] for r in rows] == [("W", f"J{n}", 1) for n in (1, 2, 3, 4, 1)]
    assert rows[0][3:] == ("无标志", 3256080, 38403000, "两点连线", "中", 100)
    assert rows[-1][3:6] == rows[0][3:6] and not any(rows[-1][6:])  # closing row: no side
    assert total[:3] == ("合计", "界址点数", 4)
    assert total[3::2] == ("面积（平方米）", "面积（亩）", "面积（公顷）")
    assert total[4::2] == pytest.approx((8000, 12, 0.8))
    _, rows, total = tables["地块编号：E"]
    assert [(r[1], r[2]) for r in rows] == [("J2", 1), ("J5", 1), ("J6", 1), ("J3", 1),
                                            ("J2", 1), ("J7", 2), ("J8", 2), ("J9", 2),
                                            ("J10", 2), ("J7", 2)]
    assert total[2] == 8 and total[4] == 80 * 80 - 400
    assert ws.cell(row=3, column=5).number_format == "0.0000"
    assert ws.cell(row=3, column=9).number_format == "0.000"


def test_the_workbook_points_sheet_is_the_same_table():
    result = shared_plan()
    book = openpyxl.load_workbook(io.BytesIO(workbook.write_workbook(result)))
    alone = openpyxl.load_workbook(io.BytesIO(workbook.write_points_xlsx(result))).active
    assert list(book["界址点"].iter_rows(values_only=True)) == \
        list(alone.iter_rows(values_only=True))


def test_marker_and_line_come_from_the_survey_settings_in_the_language_asked():
    result = shared_plan(marker_type="concrete_pile", line_category="wall",
                         line_position="outside")
    _, rows, _ = blocks(openpyxl.load_workbook(
        io.BytesIO(workbook.write_points_xlsx(result))).active)["地块编号：W"]
    assert (rows[0][3], rows[0][6], rows[0][7]) == ("水泥桩", "围墙", "外")
    en = openpyxl.load_workbook(io.BytesIO(workbook.write_points_xlsx(result, lang="en")))
    heading, rows, total = blocks(en.active)["Plot: W"]
    assert heading == ["Plot code", "Point", "Ring", "Marker type", "X northing (m)",
                       "Y easting with zone prefix (m)", "Boundary line", "Line position",
                       "Side to next point (m)"]
    assert (rows[0][3], rows[0][6], rows[0][7]) == ("Concrete pile", "Enclosing wall",
                                                    "Outer side")
    assert total[:2] == ("Total", "Points")


def test_a_cell_starting_with_equals_stays_text():
    result = plan(dataclasses.replace(plot("=1+1", box(X0, Y0, X0 + 10, Y0 + 10)),
                                      name="=HYPERLINK(\"x\")"))
    ws = openpyxl.load_workbook(io.BytesIO(workbook.write_points_xlsx(result))).active
    assert ws["A1"].value == "地块编号：=1+1 =HYPERLINK(\"x\")" and ws["A1"].data_type == "s"
    assert ws["A3"].value == "=1+1" and ws["A3"].data_type == "s"


def test_points_csv_is_the_flat_table_with_closing_rows():
    result = shared_plan()
    data = workbook.write_points_csv(result)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == HEADINGS
    assert rows[1] == ["W", "J1", "1", "无标志", "3256080.0000", "38403000.0000", "两点连线",
                       "中", "100.000"]
    assert rows[5] == ["W", "J1", "1", "无标志", "3256080.0000", "38403000.0000", "", "", ""]
    assert [r[1] for r in rows[6:]] == ["J2", "J5", "J6", "J3", "J2", "J7", "J8", "J9", "J10",
                                        "J7"]
    assert len(rows) == 1 + len(result.boundary_points) + 3      # 3 rings closed


def test_pdf_has_the_point_schedule_with_closing_rows_and_totals(tmp_path):
    result = shared_plan()
    path = tmp_path / "report.pdf"
    path.write_bytes(report.write_pdf(result))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    schedule = text[text.index("界址点成果表"):]
    assert "界址点全方案统一编号，相邻地块共用的界址点同一点号" in schedule
    for heading in ("点号", "圈号", "界标类型", "界址线类别", "界址线位置", "边长"):
        assert heading in schedule
    lines = [" ".join(line.split()) for line in schedule.splitlines()]
    west = schedule.index("地块编号：W")
    east = schedule.index("地块编号：E")
    assert west < east
    assert lines.count("J1 1 无标志 3256080.0000 38403000.0000 两点连线 中 100.000") == 1
    assert lines.count("J1 1 无标志 3256080.0000 38403000.0000") == 1     # closing row
    assert lines.count("J7 2 无标志 3256040.0000 38403120.0000") == 1     # the hole closes
    assert "合计 界址点 4 个 周长 360.000 米 面积 8,000.00 平方米（12.0000 亩，0.800000 公顷）" \
        in lines
    assert "合计 界址点 8 个 周长 400.000 米 面积 6,000.00 平方米（9.0000 亩，0.600000 公顷）" \
        in lines


def test_a_plot_longer_than_a_page_runs_on_with_its_caption_and_heading(tmp_path):
    step = math.pi / 50                                  # 100 vertices: three pages of rows
    ring = Polygon([(X0 + 100 * math.cos(-k * step), Y0 + 100 * math.sin(-k * step))
                    for k in range(100)])
    result = plan(plot("ROUND", ring))
    path = tmp_path / "round.pdf"
    path.write_bytes(report.write_pdf(result))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = text.split("\f")[:-1]
    # the 界址点成果表 pages (the map sheet names the table too, without its columns)
    pages = pages[next(i for i, p in enumerate(pages) if "界址线类别" in p):]
    assert len(pages) >= 3
    assert all("地块编号：ROUND" in p and "界址线类别" in p for p in pages)
    rows = [line.split()[0] for p in pages for line in p.splitlines()
            if line.split() and line.split()[0].startswith("J")]
    assert rows == [f"J{n}" for n in range(1, 101)] + ["J1"]
    assert "".join(pages).count("合计") == 1 and "界址点 100 个" in "".join(pages)


def test_pdf_in_english_and_numbered_per_plot(tmp_path):
    result = shared_plan().numbered("plot")
    path = tmp_path / "report-en.pdf"
    path.write_bytes(report.write_pdf(result, lang="en"))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    schedule = text[text.index("Boundary point schedule"):]
    assert "Points are numbered per plot, each from J1." in " ".join(schedule.split())
    lines = [" ".join(line.split()) for line in schedule.splitlines()]
    assert "J1 1 No marker 3256080.0000 38403100.0000 Line between two points Centre line " \
           "80.000" in lines                                  # E's own J1
    assert any(line.startswith("Total 8 points, perimeter 400.000 m, area 6,000.00 m²")
               for line in lines)


def test_txt_round_trip_with_shared_numbers_and_per_plot_numbering():
    result = shared_plan()
    for numbered in (result, result.numbered("plot")):
        data = coordinate_file.write(numbered)
        parsed = coordinate_file.read(data)
        assert [p.code for p in parsed.parcels] == ["W", "E"]
        for plot_, parcel in zip(result.plots, parsed.parcels, strict=True):
            assert parcel.geometry.equals(plot_.geometry)
            assert parcel.geometry.area == pytest.approx(plot_.area_m2, abs=0.01)
        names = [name for _, ring in parsed.parcels[1].rings for name, *_ in ring]
        assert names == ([f"J{n}" for n in (2, 5, 6, 3, 2, 7, 8, 9, 10, 7)]
                         if numbered is result else
                         [f"J{n}" for n in (1, 2, 3, 4, 1, 5, 6, 7, 8, 5)])
