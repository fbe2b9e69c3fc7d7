"""The 报批坐标 TXT: the written bytes checked line by line, then read back with `read`.

The writer is checked against the DESIGN §4.8 format directly (decoding the GBK bytes
ourselves), so a reader bug cannot hide a writer bug; the reader is then checked on our
own files, on hand-written variants other tools produce, and on malformed input.
"""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path

import pytest
import shapely
from babel.support import Translations
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon, box

from app import coordinate_file
from app.errors import BadRequest
from app.exporters import export
from app.plan_result import Compensation, PlanPlot
from tests.plan_samples import X0, Y0, sample_result

HEADER = [
    "[属性描述]",
    "格式版本号=1.01",
    "数据产生单位=君山工业集中区管理委员会",
    "数据产生日期=2026-11-22",
    "坐标系=2000国家大地坐标系",
    "几度分带=3",
    "投影类型=高斯克吕格",
    "计量单位=米",
    "带号=38",
    "精度=0.05",  # the survey precision (park setting survey.precision), not the 4 decimals
    "转换参数=,,,,,,",
    "[地块坐标]",
]
POINT_LINE = re.compile(r"J(\d+),(\d+),(\d+\.\d{4}),(\d+\.\d{4})")


@pytest.fixture(scope="module")
def result():
    return sample_result()


@pytest.fixture(scope="module")
def data(result):
    return coordinate_file.write(result)


def blocks(text: str) -> list[tuple[list[str], list[str]]]:
    """(header fields, point lines) per parcel, parsed independently of `read`."""
    lines = text.split("\r\n")
    assert lines[-1] == ""
    out = []
    for line in lines[len(HEADER):-1]:
        if line.endswith(",@"):
            out.append((line.split(","), []))
        else:
            out[-1][1].append(line)
    return out


def plan_of(geometries, **plot_fields):
    """A plan whose plots have the given GK geometries (x = prefixed easting)."""
    plots = []
    for i, geometry in enumerate(geometries):
        if isinstance(geometry, Polygon):
            geometry = MultiPolygon([geometry])
        plots.append(PlanPlot(
            code=f"T-{i + 1:03d}", name=None, land_class="0103", land_class_name="旱地",
            land_group="cultivated", owner="君山区许市镇华龙村村民委员会",
            owner_type="collective", planned_use="100101", planned_use_name="一类工业用地",
            special_crop=False, house_floor_area_m2=0.0, area_m2=geometry.area, pieces=(),
            compensation=Compensation(), geometry=geometry, **plot_fields))
    return sample_result(plots=tuple(plots), excluded=())


def same_shape(a, b, tolerance=1e-4) -> bool:
    return a.normalize().equals_exact(b.normalize(), tolerance)


# --- the written file ----------------------------------------------------------------------

def test_header_section_exactly(data):
    lines = data.decode("gbk").split("\r\n")
    assert lines[:len(HEADER)] == HEADER


def test_crlf_line_endings_and_gbk(data):
    assert data.endswith(b"\r\n")
    assert data.count(b"\n") == data.count(b"\r\n")
    assert "管理委员会".encode("gbk") in data           # GBK bytes, not UTF-8
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_registry_writes_the_same_file(result, data):
    assert export(result, "txt") == data
    # the CLI passes lang to every format; the file's keys stay Chinese
    assert export(result, "txt", lang="en", encoding="gbk") == data


def test_one_block_per_plot_with_its_attributes(result, data):
    parcels = blocks(data.decode("gbk"))
    assert len(parcels) == len(result.plots)
    for plot, (fields, points) in zip(result.plots, parcels, strict=True):
        assert len(fields) == 9
        count, area, code, name, kind, sheet, use, land_class, at = fields
        assert int(count) == len(points)                 # closing points included
        assert re.fullmatch(r"\d+\.\d{6}", area)
        assert abs(float(area) * 1e4 - plot.area_m2) <= 0.005
        assert code == plot.code
        assert name == (plot.name or plot.code)
        assert (kind, sheet, use, land_class, at) == ("面", "", plot.planned_use_name,
                                                      plot.land_class, "@")
    assert parcels[1][0][:4] == ["10", "1.947000", "NQ-01-02", "华龙村二组"]


def test_line_count(result, data):
    rings = {(p.plot_code, p.ring) for p in result.boundary_points}
    expected = len(HEADER) + len(result.plots) + len(result.boundary_points) + len(rings)
    assert data.decode("gbk").count("\r\n") == expected == 12 + 5 + 29 + 7


def test_points_are_northing_then_prefixed_easting(result, data):
    first = blocks(data.decode("gbk"))[0][1][0]
    assert first == "J1,1,3256095.5000,38403000.0000"
    for _, points in blocks(data.decode("gbk")):
        for line in points:
            match = POINT_LINE.fullmatch(line)
            assert match, line
            x, y = float(match[3]), float(match[4])
            assert 3.2e6 < x < 3.3e6                          # northing ≈ 3 256 000
            assert match[4].startswith("38") and 38e6 < y < 39e6  # easting, zone 38 prefix


def test_rings_written_closed_with_the_first_point_number(result, data):
    for _, points in blocks(data.decode("gbk")):
        rings: dict[str, list[str]] = {}
        for line in points:
            rings.setdefault(line.split(",")[1], []).append(line)
        for ring in rings.values():
            assert ring[0] == ring[-1]
            assert len(set(ring)) == len(ring) - 1


def test_numbers_follow_the_result_boundary_points(result, data):
    """Without the closing points the lines are result.boundary_points, in order."""
    written = []
    for _, points in blocks(data.decode("gbk")):
        first = None
        for line in points:
            if line == first:
                first = None          # the ring's closing point
                continue
            first = first or line
            written.append(line)
    assert written == [f"J{p.number},{p.ring},{p.x:.4f},{p.y:.4f}"
                       for p in result.boundary_points]


def test_hole_and_second_part_are_ring_2(result, data):
    parcels = {fields[2]: points for fields, points in blocks(data.decode("gbk"))}
    holed = parcels["NQ-01-02"]
    # numbered on from NQ-01-01's J1–J4: one set of numbers for the plan
    assert [line.split(",")[:2] for line in holed] == [
        ["J5", "1"], ["J6", "1"], ["J7", "1"], ["J8", "1"], ["J5", "1"],
        ["J9", "2"], ["J10", "2"], ["J11", "2"], ["J12", "2"], ["J9", "2"]]
    # the hole runs anticlockwise from its north-west corner
    assert holed[5:9] == ["J9,2,3256080.0000,38403250.0000",
                          "J10,2,3256040.0000,38403250.0000",
                          "J11,2,3256040.0000,38403290.0000",
                          "J12,2,3256080.0000,38403290.0000"]
    per_plot = {fields[2]: points for fields, points in blocks(
        coordinate_file.write(result.numbered("plot")).decode("gbk"))}
    assert [line.split(",")[0] for line in per_plot["NQ-01-02"]] == [
        "J1", "J2", "J3", "J4", "J1", "J5", "J6", "J7", "J8", "J5"]
    assert [line.split(",")[2:] for line in per_plot["NQ-01-02"]] == \
        [line.split(",")[2:] for line in holed]
    assert [line.split(",")[1] for line in parcels["NQ-02-01"]] == ["1"] * 5 + ["2"] * 5


def test_utf8_option(result, data):
    utf8 = coordinate_file.write(result, encoding="utf-8")
    assert not utf8.startswith(b"\xef\xbb\xbf")
    assert utf8.decode("utf-8") == data.decode("gbk")
    assert coordinate_file.write(result, encoding="UTF-8") == utf8


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16", "big5", ""])
def test_unknown_encoding_is_refused(result, encoding):
    with pytest.raises(BadRequest) as err:
        coordinate_file.write(result, encoding=encoding)
    assert repr(encoding) in err.value.message


def test_character_gbk_cannot_encode_names_the_plot(result):
    plots = list(result.plots)
    plots[3] = dataclasses.replace(plots[3], name="𠮷田地块")  # U+20BB7, outside GBK
    rare = sample_result(plots=tuple(plots))
    with pytest.raises(BadRequest) as err:
        coordinate_file.write(rare)
    assert "NQ-02-02" in err.value.message and "𠮷" in err.value.message
    assert b"?" not in coordinate_file.write(rare, encoding="utf-8")
    parsed = coordinate_file.read(coordinate_file.write(rare, encoding="utf-8"))
    assert parsed.parcels[3].name == "𠮷田地块"


def test_character_gbk_cannot_encode_in_the_organisation(result):
    with pytest.raises(BadRequest) as err:
        coordinate_file.write(sample_result(organisation="君山管委会😀"))
    assert "数据产生单位" in err.value.message


def test_duplicate_plot_code_is_refused(result):
    twice = sample_result(plots=(*result.plots, result.plots[0]))
    with pytest.raises(BadRequest) as err:
        coordinate_file.write(twice)
    assert "NQ-01-01" in err.value.message


def test_separator_in_a_name_is_refused(result):
    plots = list(result.plots)
    plots[0] = dataclasses.replace(plots[0], name="华龙村,一组")
    with pytest.raises(BadRequest) as err:
        coordinate_file.write(sample_result(plots=tuple(plots)))
    assert "NQ-01-01" in err.value.message


# --- reading our own file back ---------------------------------------------------------------

def test_read_back_every_polygon_and_area(result, data):
    parsed = coordinate_file.read(data)
    assert parsed.attributes == dict(line.split("=", 1) for line in HEADER[1:-1])
    assert parsed.zone == 38
    assert [p.code for p in parsed.parcels] == [p.code for p in result.plots]
    for plot, parcel in zip(result.plots, parsed.parcels, strict=True):
        assert same_shape(parcel.geometry, plot.geometry)
        assert abs(parcel.geometry.area - plot.area_m2) <= 0.01
        assert abs(parcel.area_ha * 1e4 - plot.area_m2) <= 0.01
        assert parcel.name == (plot.name or plot.code)
        assert (parcel.feature_type, parcel.sheet) == ("面", "")
        assert (parcel.use, parcel.land_class) == (plot.planned_use_name, plot.land_class)
    holed = parsed.parcels[1].geometry
    assert len(holed.geoms) == 1 and len(holed.geoms[0].interiors) == 1
    multi = parsed.parcels[2]
    assert len(multi.geometry.geoms) == 2
    assert [r for r, _ in multi.rings] == [1, 2]
    # as written: X, Y; the second part starts at its north-west-most vertex (110, 280)
    assert multi.rings[1][1][0] == ("J17", 3256280.0, 38403110.0)


def test_island_inside_a_hole_round_trips():
    outer = Polygon(box(X0, Y0, X0 + 300, Y0 + 300).exterior.coords,
                    [box(X0 + 50, Y0 + 50, X0 + 250, Y0 + 250).exterior.coords])
    island = box(X0 + 100, Y0 + 100, X0 + 200.5, Y0 + 200)
    plan = plan_of([MultiPolygon([outer, island])])
    parcel = coordinate_file.read(coordinate_file.write(plan)).parcels[0]
    assert len(parcel.geometry.geoms) == 2
    assert same_shape(parcel.geometry, plan.plots[0].geometry)


# --- hand-written files other tools produce ------------------------------------------------------

VALID = """[属性描述]
格式版本号=1.01
带号=38
[地块坐标]
5,1.000000,A-1,甲地块,面,,工业用地,0601,@
J1,1,3256100.0000,38403000.0000
J2,1,3256100.0000,38403100.0000
J3,1,3256000.0000,38403100.0000
J4,1,3256000.0000,38403000.0000
J1,1,3256100.0000,38403000.0000
"""
SQUARE = box(38403000, 3256000, 38403100, 3256100)


def read_text(text: str, write_as="utf-8", **kw):
    return coordinate_file.read(text.encode(write_as), **kw)


def test_reads_lf_blank_lines_and_trailing_spaces():
    messy = "\n\n".join(line + "   " for line in VALID.splitlines()) + "\n\n"
    for text in (VALID, VALID.replace("\n", "\r\n"), messy):
        parcel = read_text(text).parcels[0]
        assert same_shape(parcel.geometry, MultiPolygon([SQUARE]))
        assert (parcel.code, parcel.name, parcel.use) == ("A-1", "甲地块", "工业用地")


def test_reads_rings_without_the_closing_point():
    lines = VALID.splitlines()
    text = "\n".join(lines[:4] + ["4" + lines[4][1:]] + lines[5:9])
    parcel = read_text(text).parcels[0]
    assert same_shape(parcel.geometry, MultiPolygon([SQUARE]))
    assert parcel.point_count == 4


def test_count_without_closing_points_is_accepted():
    parcel = read_text(VALID.replace("5,1.000000", "4,1.000000")).parcels[0]
    assert parcel.point_count == 4


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8", "gb18030"])
def test_encoding_is_detected(encoding):
    parsed = read_text(VALID, encoding)
    assert parsed.attributes["格式版本号"] == "1.01"
    assert parsed.parcels[0].name == "甲地块"


def test_explicit_encoding():
    assert read_text(VALID, "gbk", encoding="GBK").parcels[0].name == "甲地块"
    assert read_text(VALID, "utf-8-sig", encoding="utf-8").attributes["带号"] == "38"


def test_other_tools_variants():
    """Plain point numbers, trailing commas, 13-field headers, an extra section, and a
    multipart parcel whose parts are both ring 1 (separated by their closing points)."""
    text = """[扩展信息]
软件=某软件
[属性描述]
带号=38
[地块坐标]
10,1.0,B-2,乙,面,,,,,1,B,C,备注,@
1,1,3256100,38403000,
2,1,3256100,38403050
3,1,3256000,38403050
4,1,3256000,38403000
1,1,3256100,38403000
5,1,3256100,38403080
6,1,3256100,38403130
7,1,3256000,38403130
8,1,3256000,38403080
5,1,3256100,38403080
"""
    parcel = read_text(text).parcels[0]
    assert len(parcel.geometry.geoms) == 2
    assert parcel.geometry.area == pytest.approx(10000)
    assert [r for r, _ in parcel.rings] == [1, 1]
    assert parcel.land_class == ""


# --- malformed input ---------------------------------------------------------------------------

def replace_line(n: int, new: str | None) -> str:
    lines = VALID.splitlines()
    if new is None:
        del lines[n - 1]
    else:
        lines[n - 1] = new
    return "\n".join(lines) + "\n"


BOW_TIE = """[属性描述]
带号=38
[地块坐标]
5,0.500000,C-3,丙,面,,,,@
J1,1,3256100.0000,38403000.0000
J2,1,3256100.0000,38403100.0000
J3,1,3256000.0000,38403000.0000
J4,1,3256000.0000,38403100.0000
J1,1,3256100.0000,38403000.0000
"""
OVERLAPPING_PARTS = VALID.replace("5,1.000000", "10,1.750000") + """J5,2,3256150.0000,38403050.0000
J6,2,3256150.0000,38403150.0000
J7,2,3256050.0000,38403150.0000
J8,2,3256050.0000,38403050.0000
J5,2,3256150.0000,38403050.0000
"""


@pytest.mark.parametrize(("text", "line", "problem"), [
    ("\n".join(VALID.splitlines()[3:]), 1, "[属性描述]"),                 # no header at all
    (replace_line(1, None), 1, "[属性描述]"),                             # header line lost
    (replace_line(3, "带号38"), 3, "key=value"),
    ("[属性描述]\n带号=38\n\n", 2, "[地块坐标]"),
    ("[属性描述]\n带号=38\n[地块坐标]\n", 3, "no parcel"),
    (replace_line(7, "J2,1,3256100.00x0,38403100.0000"), 7, "bad number"),
    (replace_line(8, "J3,1,3256000.0000,nan"), 8, "bad number"),
    (replace_line(5, "7,1.000000,A-1,甲地块,面,,工业用地,0601,@"), 5, "界址点数"),
    (replace_line(5, "five,1.000000,A-1,甲地块,面,,工业用地,0601,@"), 5, "界址点数"),
    (replace_line(5, "5,1.000000,A-1,@"), 5, "at least"),
    (replace_line(5, "5,1.0o,A-1,甲地块,面,,,,@"), 5, "bad number"),
    (replace_line(5, "5,1.000000,A-1,甲地块,线,,,,@"), 5, "面"),
    (replace_line(5, "5,1.100000,A-1,甲地块,面,,工业用地,0601,@"), 5, "A-1"),  # area
    (replace_line(7, "J2,1,3256100.0000"), 7, "点号,圈号,X,Y"),
    (replace_line(7, "J2,0,3256100.0000,38403100.0000"), 7, "圈号"),
    (replace_line(7, "J2,²,3256100.0000,38403100.0000"), 7, "圈号"),
    (replace_line(7, "J2,1,３256100.0000,38403100.0000"), 7, "bad number"),
    (replace_line(5, None), 5, "before any parcel"),
    (VALID + "[属性描述]\n", 11, "twice"),
    ("[属性描述]\n[地块坐标]\n3,0.1,D,丁,面,,,,@\nJ1,1,1,1\nJ2,1,2,2\nJ1,1,1,1\n", 4,
     "at least 3"),
    (BOW_TIE, 5, "crosses itself"),
    (OVERLAPPING_PARTS, 5, "not valid"),
])
def test_malformed_input_names_the_line(text, line, problem):
    with pytest.raises(BadRequest) as err:
        read_text(text)
    assert err.value.message.startswith(f"line {line}:"), err.value.message
    assert problem in err.value.message


ZH = Translations.load(Path(__file__).resolve().parents[2] / "app/translations", ["zh"])


@pytest.mark.parametrize(("text", "english", "chinese"), [
    (replace_line(7, "J2,1,3256100.00x0,38403100.0000"),
     "line 7: bad number '3256100.00x0' for X (northing)",
     "第 7 行：X（北坐标） 的数值 '3256100.00x0' 无效"),
    (replace_line(8, "J3,1,3256000.0000,nan"),
     "line 8: bad number 'nan' for Y (easting)", "第 8 行：Y（东坐标） 的数值 'nan' 无效"),
    (replace_line(5, "5,1.0o,A-1,甲地块,面,,,,@"),
     "line 5: bad number '1.0o' for the parcel area", "第 5 行：地块面积 的数值 '1.0o' 无效"),
    (BOW_TIE, "line 5: parcel C-3 ring 1 is not a simple closed ring (the outline crosses "
              "itself at [", "第 5 行：地块 C-3 第 1 圈不是简单闭合环（图形边界在 ["),
    (OVERLAPPING_PARTS, "line 5: parcel A-1: the polygon is not valid (",
     "第 5 行：地块 A-1：多边形无效（"),
    (replace_line(5, "5,0.999000,A-1,甲地块,面,,工业用地,0601,@"),
     "line 5: parcel A-1 declares 0.999 公顷 but its boundary encloses 1.000000 公顷",
     "第 5 行：地块 A-1 申报面积 0.999 公顷，但其界址围成 1.000000 公顷"),
])
def test_line_messages_in_english_and_chinese(text, english, chinese):
    """Every part of a line message is a catalogue text: the field a bad number is in, the
    geometry's problem (GEOS's words mapped like the API's), in Chinese by default where
    shown and in English on request."""
    with pytest.raises(BadRequest) as err:
        read_text(text)
    assert str(err.value.message).startswith(english), err.value.message
    zh = err.value.localize(ZH.gettext).message
    assert zh.startswith(chinese), zh
    assert not re.search(r"[A-Za-z]{3,}", zh.replace("nan", "")), zh  # no English words left


def test_area_mismatch_names_the_parcel():
    with pytest.raises(BadRequest) as err:
        read_text(replace_line(5, "5,0.999000,A-1,甲地块,面,,工业用地,0601,@"))
    assert "parcel A-1" in err.value.message and "0.999" in err.value.message
    # 0.05 m² off is too much for 6 decimals and 0.1 mm coordinates (0.005 + 0.028 m²) …
    with pytest.raises(BadRequest):
        read_text(replace_line(5, "5,1.000005,A-1,甲地块,面,,工业用地,0601,@"))
    # … 0.02 m² is not
    assert read_text(replace_line(5, "5,1.000002,A-1,甲地块,面,,,,@")).parcels[0].area_ha
    # within half a unit of a coarser declared area is fine: 1.0 ha written with 1 decimal
    assert read_text(replace_line(5, "5,1.0,A-1,甲地块,面,,,,@")).parcels[0].area_ha == 1.0


def test_undecodable_bytes_name_the_line():
    data = "[属性描述]\n带号=38\n".encode() + b"\xff\xfe\xfd\n"
    with pytest.raises(BadRequest) as err:
        coordinate_file.read(data)
    assert err.value.message.startswith("line 3:")
    with pytest.raises(BadRequest) as err:
        coordinate_file.read(VALID.encode("gbk"), encoding="utf-8")
    assert err.value.message.startswith("line 1:")


@pytest.mark.parametrize("encoding", ["latin-1", "no-such-codec"])
def test_reader_refuses_unknown_encodings(encoding):
    with pytest.raises(BadRequest) as err:
        coordinate_file.read(VALID.encode(), encoding=encoding)
    assert encoding in err.value.message


# --- round trip on random plots ------------------------------------------------------------------

def star(draw, cx, cy, r_min, r_max, n_min):
    """A star-shaped (hence simple) polygon: vertices at increasing angles around a centre."""
    n = draw(st.integers(n_min, 12))
    jitter = draw(st.lists(st.floats(-0.25, 0.25), min_size=n, max_size=n))
    radii = draw(st.lists(st.floats(r_min, r_max), min_size=n, max_size=n))
    angle = draw(st.floats(0, 2 * math.pi))
    return [(cx + r * math.cos(angle + 2 * math.pi * (i + j) / n),
             cy + r * math.sin(angle + 2 * math.pi * (i + j) / n))
            for i, (r, j) in enumerate(zip(radii, jitter, strict=True))]


@st.composite
def plots(draw):
    """1–3 plots of 1–3 parts, each part with 0–2 holes; coordinates on the mm grid
    (as surveys deliver them) or at full float precision."""
    mm = draw(st.booleans())
    snap = (lambda v: round(v, 3)) if mm else (lambda v: v)
    geometries = []
    for k in range(draw(st.integers(1, 3))):
        parts = []
        for j in range(draw(st.integers(1, 3))):
            cx, cy = X0 + 1000 * j + 0.123, Y0 + 1000 * k + 0.456
            # n ≥ 6 keeps every gap < π/2, so the outer ring contains the disc of radius
            # 100·cos(π/4) ≈ 70 m, where the holes go
            shell = star(draw, cx, cy, 100, 300, 6)
            holes = [star(draw, cx + dx, cy, 5, 20, 4)
                     for dx in (-40, 40)[:draw(st.integers(0, 2))]]
            parts.append(Polygon([(snap(x), snap(y)) for x, y in shell],
                                 [[(snap(x), snap(y)) for x, y in h] for h in holes]))
        geometry = MultiPolygon(parts)
        assume(geometry.is_valid)
        geometries.append(geometry)
    return mm, geometries


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(plots())
def test_round_trip_random_plots(case):
    mm, geometries = case
    plan = plan_of(geometries)
    parsed = coordinate_file.read(coordinate_file.write(plan))
    assert len(parsed.parcels) == len(geometries)
    for plot, parcel in zip(plan.plots, parsed.parcels, strict=True):
        original, back = plot.geometry, parcel.geometry
        assert len(back.geoms) == len(original.geoms)
        assert sorted(len(p.interiors) for p in back.geoms) == sorted(
            len(p.interiors) for p in original.geoms)
        assert shapely.hausdorff_distance(original, back) < 1e-4
        # coordinates to 0.1 mm keep mm survey data exactly; full-precision coordinates
        # move by < 0.071 mm, which bounds the area change by 0.071 mm × perimeter
        tolerance = 0.01 if mm else 0.01 + 7.1e-5 * original.length
        assert original.symmetric_difference(back).area < tolerance
        assert abs(back.area - plot.area_m2) <= tolerance
        assert abs(parcel.area_ha * 1e4 - plot.area_m2) <= 0.005
        rings = len(original.geoms) + sum(len(p.interiors) for p in original.geoms)
        assert [r for r, _ in parcel.rings] == list(range(1, rings + 1))
