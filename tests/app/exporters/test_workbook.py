"""The plan workbook and the 界址点成果表, read back with independent readers (openpyxl, csv).

Every figure is compared with the `PlanResult` it was written from: areas to 0.01 m²,
money to the fen, point coordinates to the 0.1 mm they are published with.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest

from app.exporters import export, workbook
from app.plan_result import COMPONENTS, to_mu
from tests.plan_samples import sample_result

ZH_SHEETS = ["汇总", "地块明细", "权属汇总", "补偿测算", "界址点"]
EN_SHEETS = ["Summary", "Plots", "Owners", "Compensation", "Boundary points"]
AREA_TOL = 0.005     # m²: equal to the hundredth of a square metre
AMOUNTS = ("区片综合地价（元）", "青苗补偿（元）", "地上附着物（房屋）（元）", "社会保障费用（元）",
           "合计（元）")
UNIT = re.compile(r"（(平方米|亩|公顷|元|元/亩|元/平方米|块|[^）]*米)）$")


@pytest.fixture(scope="module")
def result():
    return sample_result()


@pytest.fixture(scope="module")
def book(result):
    return openpyxl.load_workbook(io.BytesIO(workbook.write_workbook(result)))


def table(ws, header_row: int = 1) -> tuple[list[str], list[dict]]:
    """Headings and the rows under them as dicts (heading -> value)."""
    headings = [c.value for c in ws[header_row]]
    rows = [dict(zip(headings, r, strict=True))
            for r in ws.iter_rows(min_row=header_row + 1, values_only=True)]
    return headings, rows


def fen(value) -> Decimal:
    """A money cell as Decimal, to compare with the result to the fen."""
    assert isinstance(value, int | float), f"money written as {type(value).__name__}"
    return Decimal(str(round(value, 2))).quantize(Decimal("0.01"))


def section(ws, title: str) -> list[tuple]:
    """Rows of a summary section: from the row after its title to the next blank row."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == title) + 1
    out = []
    for r in rows[start:]:
        if all(v is None for v in r):
            break
        out.append(r)
    return out


def by_label(rows: list[tuple]) -> dict:
    return {r[0]: r for r in rows}


# --- sheets and headings -----------------------------------------------------------------

def test_sheet_names_in_chinese_and_english(result, book):
    assert book.sheetnames == ZH_SHEETS
    en = openpyxl.load_workbook(io.BytesIO(workbook.write_workbook(result, lang="en")))
    assert en.sheetnames == EN_SHEETS


def test_registry_writes_the_same_workbook(result):
    """The format registry reaches these writers, and output is reproducible."""
    assert export(result, "xlsx") == workbook.write_workbook(result)
    assert export(result, "points") == workbook.write_points_xlsx(result)
    assert export(result, "points-csv") == workbook.write_points_csv(result)


@pytest.mark.parametrize(("sheet", "header_row"), [
    ("地块明细", 1), ("权属汇总", 1), ("补偿测算", 1),
    ("界址点", 2),  # the first plot's table, under its caption
])
def test_every_numeric_column_heading_has_a_unit(book, sheet, header_row):
    ws = book[sheet]
    headings, rows = table(ws, header_row)
    if sheet == "界址点":  # up to the first plot's total row
        rows = rows[:next(i for i, r in enumerate(rows) if r["地块编号"] == "合计")]
    for col, heading in enumerate(headings):
        values = [r[heading] for r in rows]
        if any(isinstance(v, float) for v in values):
            assert UNIT.search(heading), f"{sheet}: {heading!r} has no unit"
        assert ws.cell(row=header_row, column=col + 1).font.bold


def test_plot_headings_name_the_units(book):
    headings, _ = table(book["地块明细"])
    for heading in ("面积（平方米）", "面积（亩）", "面积（公顷）", "房屋建筑面积（平方米）",
                    "区片综合地价（元）", "青苗补偿（元）", "地上附着物（房屋）（元）",
                    "社会保障费用（元）", "合计（元）"):
        assert heading in headings


def test_english_headings(result):
    en = openpyxl.load_workbook(io.BytesIO(workbook.write_workbook(result, lang="en")))
    headings, rows = table(en["Plots"])
    assert {"Area (m²)", "Area (mu)", "Area (ha)", "Total (yuan)"} <= set(headings)
    assert rows[0]["Ownership"] == "Collective"
    facts = by_label(section(en["Summary"], "Plots left out of this plan"))
    assert "NQ-04-01" in facts


# --- plots -------------------------------------------------------------------------------

def test_every_plot_row_matches_the_result(result, book):
    _, rows = table(book["地块明细"])
    assert [r["地块编号"] for r in rows[:-1]] == [p.code for p in result.plots]
    for plot, row in zip(result.plots, rows, strict=False):
        assert row["地块名称"] == (plot.name or "")
        assert row["地类编码"] == plot.land_class           # text: 0101 keeps its zero
        assert row["地类名称"] == plot.land_class_name
        assert row["权属单位"] == plot.owner
        assert row["权属性质"] == ("集体" if plot.owner_type == "collective" else "国有")
        assert row["规划用途"] == plot.planned_use_name
        assert row["区片"] == plot.price_zones
        assert row["面积（平方米）"] == pytest.approx(plot.area_m2, abs=AREA_TOL)
        assert row["面积（亩）"] == pytest.approx(plot.area_mu, abs=1e-6)
        assert row["面积（公顷）"] == pytest.approx(plot.area_ha, abs=1e-8)
        assert row["特殊作物"] == ("是" if plot.special_crop else "否")
        assert row["房屋建筑面积（平方米）"] == pytest.approx(plot.house_floor_area_m2)
        for key, heading in zip(COMPONENTS, ("区片综合地价（元）", "青苗补偿（元）",
                                             "地上附着物（房屋）（元）", "社会保障费用（元）"),
                                strict=True):
            assert fen(row[heading]) == getattr(plot.compensation, key)
        assert fen(row["合计（元）"]) == plot.compensation.total


def test_split_plot_lists_both_price_zones(book):
    _, rows = table(book["地块明细"])
    assert next(r for r in rows if r["地块编号"] == "NQ-02-02")["区片"] == "I/II"


def test_plot_totals_are_values_from_the_result(result, book):
    _, rows = table(book["地块明细"])
    total = rows[-1]
    assert total["地块编号"] == "合计"
    assert total["面积（平方米）"] == pytest.approx(result.area_m2, abs=AREA_TOL)
    assert total["面积（亩）"] == pytest.approx(result.area_mu, abs=1e-6)
    assert fen(total["合计（元）"]) == result.compensation.total
    assert fen(total["区片综合地价（元）"]) == result.compensation.land


def test_numbers_keep_full_precision_with_display_formats(result, book):
    ws = book["地块明细"]
    headings, _ = table(ws)
    multipart = 1 + [p.code for p in result.plots].index("NQ-02-01")
    cells = {h: ws.cell(row=multipart + 1, column=i + 1) for i, h in enumerate(headings)}
    area = cells["面积（平方米）"]
    assert area.data_type == "n"
    # 9364.57500016084…: more digits than any display format, so not a rounded string
    assert area.value == pytest.approx(result.plots[multipart - 1].area_m2, rel=1e-14)
    assert area.value != round(area.value, 2)
    assert area.number_format == "0.00"
    assert cells["面积（亩）"].number_format == "0.0000"
    assert cells["面积（公顷）"].number_format == "0.000000"
    assert cells["合计（元）"].number_format in ("0.00", "#,##0.00")


def test_header_rows_frozen_and_columns_sized(book):
    assert book["地块明细"].freeze_panes == "B2"
    assert book["权属汇总"].freeze_panes == "B2"
    assert book["界址点"].freeze_panes is None      # one table per plot: nothing to freeze
    assert book["汇总"].freeze_panes == "A2"
    owner_col = book["地块明细"].column_dimensions["F"]
    assert owner_col.width >= 25


def test_text_that_looks_like_a_formula_stays_text():
    plots = list(sample_result().plots)
    plots[0] = dataclasses.replace(plots[0], name="=SUM(A1:A9)")
    data = workbook.write_workbook(sample_result(plots=tuple(plots)))
    cell = openpyxl.load_workbook(io.BytesIO(data))["地块明细"]["B2"]
    assert cell.value == "=SUM(A1:A9)"
    assert cell.data_type == "s"


# --- summary -------------------------------------------------------------------------------

def test_summary_facts(result, book):
    ws = book["汇总"]
    facts = {r[0]: r[1] for r in ws.iter_rows(min_row=3, max_row=13, values_only=True)}
    assert facts["方案名称"] == result.plan_name
    assert facts["版本"] == result.version
    assert facts["状态"] == "已报批"
    assert facts["园区"] == result.park_name
    assert facts["编制单位"] == result.organisation
    assert facts["计算日期"] == datetime(2026, 11, 22)
    assert facts["编制人"] == result.author
    assert facts["带号"] == 38
    assert facts["EPSG"] == 4526
    assert "第38带" in facts["坐标系"] and "4526" in facts["坐标系"]
    assert facts["地块数（块）"] == 5


def test_summary_areas_in_three_units(result, book):
    rows = section(book["汇总"], "面积汇总")
    assert rows[0] == ("项目", "地块数（块）", "面积（平方米）", "面积（亩）", "面积（公顷）",
                       None, None)
    areas = by_label(rows[1:])
    total = areas["总面积"]
    assert total[1] == 5
    assert total[2] == pytest.approx(result.area_m2, abs=AREA_TOL)
    assert total[3] == pytest.approx(result.area_mu, abs=1e-6)
    assert total[4] == pytest.approx(result.area_ha, abs=1e-8)
    requisitioned = areas["征收面积（集体土地）"]
    assert requisitioned[1] == 4
    assert requisitioned[2] == pytest.approx(result.requisition_area_m2, abs=AREA_TOL)
    assert areas["国有土地（不征收）"][2] == pytest.approx(10000.0, abs=AREA_TOL)


def test_summary_by_land_group_shows_cultivated_within_farmland(result, book):
    rows = section(book["汇总"], "按地类汇总")
    labels = [r[0] for r in rows[1:]]
    assert labels == ["农用地", "其中：耕地", "其他农用地", "建设用地", "未利用地", "合计"]
    groups = by_label(rows[1:])
    expected = {g.land_group: g.area_m2 for g in result.by_land_group}
    assert groups["农用地"][2] == pytest.approx(result.farmland_m2, abs=AREA_TOL)
    assert groups["农用地"][2] == pytest.approx(11483.875 + 19470.0, abs=AREA_TOL)
    assert groups["其中：耕地"][2] == pytest.approx(expected["cultivated"], abs=AREA_TOL)
    assert groups["建设用地"][1] == 2
    assert groups["建设用地"][2] == pytest.approx(expected["construction"], abs=AREA_TOL)
    assert groups["未利用地"][2] == pytest.approx(expected["unused"], abs=AREA_TOL)
    assert groups["合计"][2] == pytest.approx(result.area_m2, abs=AREA_TOL)


def test_summary_by_land_class(result, book):
    rows = section(book["汇总"], "按地类（GB/T 21010）汇总")
    assert rows[0][:4] == ("地类编码", "地类名称", "地类组", "地块数（块）")
    classes = {r[0]: r for r in rows[1:]}
    for c in result.by_land_class:
        row = classes[c.land_class]
        assert row[1] == c.land_class_name
        assert row[3] == c.plots
        assert row[4] == pytest.approx(c.area_m2, abs=AREA_TOL)
    assert classes["0101"][1] == "水田"
    assert classes["合计"][4] == pytest.approx(result.area_m2, abs=AREA_TOL)


def test_summary_compensation_to_the_fen(result, book):
    rows = by_label(section(book["汇总"], "补偿测算汇总")[1:])
    assert fen(rows["区片综合地价"][1]) == result.compensation.land
    assert fen(rows["青苗补偿"][1]) == result.compensation.crops
    assert fen(rows["地上附着物（房屋）"][1]) == result.compensation.houses
    assert fen(rows["社会保障费用"][1]) == result.compensation.social_security
    assert fen(rows["合计"][1]) == result.compensation.total == Decimal("10236745.93")


def test_summary_says_which_plots_were_left_out(result, book):
    rows = section(book["汇总"], "未列入本方案的地块")
    assert "未列入" in rows[0][0]
    excluded = by_label(rows[2:])
    row = excluded["NQ-04-01"]
    assert row[1] == "已征收，不再列入"
    assert row[2] == pytest.approx(5321.5, abs=AREA_TOL)
    assert row[3] == pytest.approx(to_mu(5321.5), abs=1e-6)
    assert row[4] == datetime(2025, 6, 30)
    # left out means not in the totals either
    plots = [r["地块编号"] for r in table(book["地块明细"])[1]]
    assert "NQ-04-01" not in plots


def test_summary_without_exclusions_says_none():
    data = workbook.write_workbook(sample_result(excluded=()))
    rows = section(openpyxl.load_workbook(io.BytesIO(data))["汇总"], "未列入本方案的地块")
    assert rows[-1][0] == "无"


# --- owners and compensation ---------------------------------------------------------------

def test_owner_rows(result, book):
    _, rows = table(book["权属汇总"])
    assert [r["权属单位"] for r in rows] == [o.owner for o in result.by_owner] + ["合计"]
    for owner, row in zip(result.by_owner, rows, strict=False):
        assert row["权属性质"] == ("集体" if owner.owner_type == "collective" else "国有")
        assert row["地块数（块）"] == owner.plots
        assert row["面积（平方米）"] == pytest.approx(owner.area_m2, abs=AREA_TOL)
        assert row["耕地面积（平方米）"] == pytest.approx(owner.area_by_group["cultivated"],
                                                      abs=AREA_TOL)
        assert row["建设用地面积（平方米）"] == pytest.approx(
            owner.area_by_group["construction"], abs=AREA_TOL)
        assert fen(row["合计（元）"]) == owner.compensation.total
    donggang = rows[0]
    assert donggang["权属单位"] == "君山区许市镇东港村村民委员会"
    assert fen(donggang["地上附着物（房屋）（元）"]) == Decimal("1032600.00")
    state = rows[2]
    assert state["权属单位"] == "国有" and fen(state["合计（元）"]) == 0
    assert fen(rows[-1]["合计（元）"]) == result.compensation.total


def test_compensation_pieces_and_subtotals(result, book):
    _, rows = table(book["补偿测算"])
    for plot in result.plots:
        mine = [r for r in rows if r["地块编号"] == plot.code]
        pieces, subtotal = mine[:-1], mine[-1]
        assert subtotal["区片"] == "小计"
        assert [r["区片"] for r in pieces] == [p.price_zone for p in plot.pieces]
        for piece, row in zip(plot.pieces, pieces, strict=True):
            assert row["面积（平方米）"] == pytest.approx(piece.area_m2, abs=AREA_TOL)
            assert row["区片综合地价（元/亩）"] == float(piece.land_price_yuan_mu)
            assert row["青苗补偿标准（元/亩）"] == float(piece.crop_yuan_mu)
            assert row["房屋补偿标准（元/平方米）"] == float(piece.house_yuan_m2)
            assert row["社会保障标准（元/亩）"] == float(piece.social_security_yuan_mu)
        # the pieces add up to the plot's figures (rounded once, to the fen)
        for key, heading in zip((*COMPONENTS, "total"), AMOUNTS, strict=True):
            amount = Decimal(str(sum(r[heading] for r in pieces)))
            assert abs(amount - getattr(plot.compensation, key)) <= Decimal("0.01"), heading
        assert sum(r["房屋建筑面积（平方米）"] for r in pieces) == pytest.approx(
            plot.house_floor_area_m2)
        for key, heading in (("land", "区片综合地价（元）"), ("houses", "地上附着物（房屋）（元）"),
                             ("total", "合计（元）")):
            assert fen(subtotal[heading]) == getattr(plot.compensation, key)
    state = [r for r in rows if r["地块编号"] == "NQ-03-01"][0]
    assert state["合计（元）"] == 0 and "国有" in state["备注"]
    split = [r for r in rows if r["地块编号"] == "NQ-02-02"]
    assert [r["区片综合地价（元/亩）"] for r in split[:2]] == [70000, 62000]
    assert rows[-1]["地块编号"] == "合计"
    assert fen(rows[-1]["合计（元）"]) == result.compensation.total
    assert fen(rows[-1]["社会保障费用（元）"]) == result.compensation.social_security


# --- boundary points -------------------------------------------------------------------------

POINT_HEADINGS = ["地块编号", "点号", "圈号", "界标类型", "X（北坐标，米）",
                  "Y（东坐标，含带号，米）", "界址线类别", "界址线位置", "边长（米）"]


def point_rows(rows) -> list:
    """The point rows of the stacked per-plot tables (captions, headings, totals and
    blank rows left out), closing rows included."""
    return [r for r in rows if r[0] and r[1] and str(r[1]).startswith("J")]


def check_point_rows(result, rows):
    """Every boundary point in order, each ring followed by its closing row."""
    rings = {(p.plot_code, p.ring) for p in result.boundary_points}
    assert len(rows) == len(result.boundary_points) + len(rings) == 29 + 7
    opened = None
    points = iter(result.boundary_points)
    for row in rows:
        code, name, ring, marker, x, y, category, position, side = row
        if opened is not None and (code, int(ring)) == (opened.plot_code, opened.ring) \
                and name == opened.name and side in ("", None):
            pt, opened = opened, None                 # the ring's closing row
        else:
            pt = next(points)
            opened = opened or pt
            assert abs(float(side) - pt.side_m) <= 0.0005
            assert (category, position) == ("两点连线", "中")
        assert (code, name, int(ring), marker) == (pt.plot_code, pt.name, pt.ring, "无标志")
        assert abs(float(x) - pt.x) <= 0.00005 and 3.2e6 < float(x) < 3.3e6
        assert abs(float(y) - pt.y) <= 0.00005 and str(y).startswith("38")
    assert next(points, None) is None and opened is None


def test_workbook_points_sheet(result, book):
    ws = book["界址点"]
    assert [c.value for c in ws[2]] == POINT_HEADINGS
    check_point_rows(result, point_rows(ws.iter_rows(values_only=True)))


def test_points_xlsx(result):
    wb = openpyxl.load_workbook(io.BytesIO(workbook.write_points_xlsx(result)))
    assert wb.sheetnames == ["界址点成果表"]
    ws = wb.active
    assert ws["A1"].value == "地块编号：NQ-01-01"
    assert [c.value for c in ws[2]] == POINT_HEADINGS
    check_point_rows(result, point_rows(ws.iter_rows(values_only=True)))
    assert ws["E3"].number_format == "0.0000" and ws["I3"].number_format == "0.000"
    # the hole of NQ-01-02 is ring 2, numbered on from the outer ring and from NQ-01-01
    holed = [r for r in point_rows(ws.iter_rows(values_only=True)) if r[0] == "NQ-01-02"]
    assert [(r[1], r[2]) for r in holed] == [
        ("J5", 1), ("J6", 1), ("J7", 1), ("J8", 1), ("J5", 1),
        ("J9", 2), ("J10", 2), ("J11", 2), ("J12", 2), ("J9", 2)]
    en = openpyxl.load_workbook(io.BytesIO(workbook.write_points_xlsx(result, lang="en")))
    assert en.sheetnames == ["Boundary points"]
    assert en.active["E2"].value == "X northing (m)"


def test_points_csv(result):
    data = workbook.write_points_csv(result)
    assert data.startswith(b"\xef\xbb\xbf")            # BOM: Excel on Chinese Windows
    text = data.decode("utf-8-sig")
    rings = {(p.plot_code, p.ring) for p in result.boundary_points}
    assert text.count("\r\n") == len(result.boundary_points) + len(rings) + 1
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == POINT_HEADINGS
    check_point_rows(result, rows[1:])
    for row in rows[1:]:
        assert re.fullmatch(r"\d+\.\d{4}", row[4]) and re.fullmatch(r"\d+\.\d{4}", row[5])
        assert re.fullmatch(r"\d+\.\d{3}|", row[8])
    assert rows[1] == ["NQ-01-01", "J1", "1", "无标志", "3256095.5000", "38403000.0000",
                       "两点连线", "中", "120.250"]
    assert rows[5] == ["NQ-01-01", "J1", "1", "无标志", "3256095.5000", "38403000.0000",
                       "", "", ""]
    # the second part of NQ-02-01 from its north-west-most vertex (110, 280), not from its
    # northernmost (170, 290); the side to (180.123, 205.456) follows (170, 290)
    part = [r for r in rows if r[0] == "NQ-02-01" and r[2] == "2"]
    assert [r[1] for r in part] == ["J17", "J18", "J19", "J20", "J17"]
    assert part[0][4:6] == ["3256280.0000", "38403110.0000"]
    assert part[2][4:6] == ["3256205.4560", "38403180.1230"] and part[1][8] == "85.148"
    en = workbook.write_points_csv(result, lang="en").decode("utf-8-sig")
    assert en.splitlines()[0].startswith("Plot code,Point,Ring,Marker type,X northing (m)")


def test_house_floor_area_is_shared_between_price_pieces_by_area():
    plots = list(sample_result().plots)
    split = plots[3]                          # NQ-02-02: 40 % in zone I, 60 % in zone II
    houses = Decimal(200 * 0.4 * 1200 + 200 * 0.6 * 1100)
    plots[3] = dataclasses.replace(split, house_floor_area_m2=200.0, compensation=(
        dataclasses.replace(split.compensation, houses=houses.quantize(Decimal("0.01")))))
    data = workbook.write_workbook(sample_result(plots=tuple(plots)))
    _, rows = table(openpyxl.load_workbook(io.BytesIO(data))["补偿测算"])
    mine = [r for r in rows if r["地块编号"] == "NQ-02-02"]
    assert [r["房屋建筑面积（平方米）"] for r in mine] == pytest.approx([80.0, 120.0, 200.0])
    assert [r["地上附着物（房屋）（元）"] for r in mine] == pytest.approx(
        [96000.0, 132000.0, 228000.0])
