"""DXF export read back by GDAL (GDAL 3.6's `ogrinfo`, and pyogrio's GDAL) and by ezdxf and
compared with the plan result: CASS layers JZD/JZX/ZDH, plots rebuilt from their rings by
the XDATA code, the land class on the plot polygon, J labels, GBK text that GDAL reads
without DXF_ENCODING, zone-prefixed coordinates, red line, title. No database needed."""

from __future__ import annotations

import functools
import io
import re
from collections import defaultdict
from dataclasses import replace

import ezdxf
import pyogrio
import pytest
import shapely
from ezdxf.lldxf.validator import is_valid_layer_name
from shapely.geometry import MultiPolygon, Point, Polygon, box

from app.errors import BadRequest
from app.exporters import export, filename
from app.exporters.cad import (
    APPID,
    FONT_FILE,
    TEXT_STYLE,
    layer_name,
    point_label_height,
    text_height,
    write_dxf,
)
from app.plan_result import PlanResult
from tests.gdal_cli import ogrinfo
from tests.plan_samples import X0, Y0, sample_result

# How these tests read entities with pyogrio; never DXF_ENCODING: the file must say its own.
GDAL_OPTIONS = {
    "DXF_CLOSED_LINE_AS_POLYGON": "TRUE",   # closed LWPOLYLINEs as polygons
    "DXF_INCLUDE_RAW_CODE_VALUES": "TRUE",  # XDATA in RawCodeValues
}
CLASS_LAYERS = {"0101水田", "0201果园", "0702农村宅基地", "1206裸土地", "0601工业用地"}
CONTEXT_LAYERS = {"道路", "园区分区", "相邻地块"}
CASS_LAYERS = {"JZD", "JZX", "ZDH", "TK"}


@pytest.fixture(scope="module")
def result() -> PlanResult:
    return sample_result()


@pytest.fixture(scope="module")
def dxf_path(result, artifacts_dir, tmp_path_factory):
    data = export(result, "dxf")
    (artifacts_dir / filename(result, "dxf")).write_bytes(data)
    path = tmp_path_factory.mktemp("dxf") / filename(result, "dxf")
    path.write_bytes(data)
    return path


def read_with_gdal(path):
    pyogrio.set_gdal_config_options(GDAL_OPTIONS)
    try:
        return pyogrio.read_dataframe(path)
    finally:
        pyogrio.set_gdal_config_options(dict.fromkeys(GDAL_OPTIONS))


@pytest.fixture(scope="module")
def entities(dxf_path):
    return read_with_gdal(dxf_path)


def xdata(raw: list[str]) -> list[str]:
    """The values of our application's XDATA in GDAL's RawCodeValues ("code value"). (The
    GDAL in pyogrio leaves out a HATCH's "1001 PARKATLAS"; its XDATA is ours all the same.)"""
    items = list(raw)
    marker = f"1001 {APPID}"
    start = items.index(marker) + 1 if marker in items else next(
        i for i, item in enumerate(items) if int(item.partition(" ")[0]) >= 1000)
    values = []
    for item in items[start:]:
        code, _, value = item.partition(" ")
        if code == "1001":
            break
        values.append(value)
    return values


def rings_by_plot(entities) -> dict[str, dict[int, dict[int, Polygon]]]:
    """plot code → part number → ring number → ring as a polygon, from the JZX polylines."""
    plots: dict = defaultdict(lambda: defaultdict(dict))
    for _, row in entities[entities["Layer"] == "JZX"].iterrows():
        code, _class, _name, part, ring, *_ = xdata(row["RawCodeValues"])
        assert row.geometry.geom_type == "Polygon"
        assert int(ring) not in plots[code][int(part)], "ring written twice"
        plots[code][int(part)][int(ring)] = row.geometry
    return plots


def rebuild(parts: dict) -> shapely.Geometry:
    """Each part's outer ring (0) minus its holes (1..), all parts together."""
    built = []
    for rings in parts.values():
        holes = [geometry for number, geometry in rings.items() if number]
        built.append(rings[0].difference(shapely.union_all(holes)) if holes else rings[0])
    return shapely.union_all(built)


# --- what GDAL 3.6 shows without any option --------------------------------------------

@pytest.fixture(scope="module")
def ogrinfo_features(dxf_path) -> list[dict[str, str]]:
    """`ogrinfo -ro -al` of the file, without DXF_ENCODING: each feature's fields."""
    out = ogrinfo("-al", str(dxf_path))
    assert "Warning" not in out.stderr and "ERROR" not in out.stderr, out.stderr
    features = []
    for block in out.stdout.split("OGRFeature(entities):")[1:]:
        features.append(dict(re.findall(r"^  (\w+) \(\w+\) = (.*)$", block, re.M)))
    return features


def test_gdal_3_6_reads_cass_layers_and_chinese_without_dxf_encoding(ogrinfo_features, result):
    layers = {f["Layer"] for f in ogrinfo_features}
    assert layers == CLASS_LAYERS | CASS_LAYERS | CONTEXT_LAYERS | {"红线"}
    texts = {f.get("Text") for f in ogrinfo_features}
    assert result.title in texts                  # the TK title's first line
    assert {f"{p.code}" for p in result.plots} <= texts   # ZDH labels' first lines
    everything = " ".join(f"{k}={v}" for f in ogrinfo_features for k, v in f.items())
    assert "绾" not in everything and "ç" not in everything   # the old mojibake


def test_gdal_3_6_shows_the_land_class_of_each_plot_polygon(dxf_path, result):
    # by default: the polygon (a HATCH) is on its class layer; with raw code values (the
    # option GDAL needs for any XDATA) also the class code and name of the plot
    out = ogrinfo("-al", str(dxf_path), config={"DXF_INCLUDE_RAW_CODE_VALUES": "TRUE"})
    found = defaultdict(set)
    areas = defaultdict(float)
    for block in out.stdout.split("OGRFeature(entities):")[1:]:
        layer = re.search(r"^  Layer \(String\) = (.*)$", block, re.M).group(1)
        if layer in CLASS_LAYERS:
            polygon = shapely.from_wkt(re.search(r"^  (POLYGON .*)$", block, re.M).group(1))
            raw = re.search(r"RawCodeValues \(StringList\) = \(\d+:(.*)\)$", block, re.M)
            tags = raw.group(1).split(",")
            start = tags.index(f"1001 {APPID}")
            code, land_class, name = (t.removeprefix("1000 ") for t in tags[start + 1:start + 4])
            found[code].add((layer, land_class, name))
            areas[code] += polygon.area
    assert found == {p.code: {(f"{p.land_class}{p.land_class_name}", p.land_class,
                               p.land_class_name)} for p in result.plots}
    for plot in result.plots:   # GDAL 3.6 reads each hatch as its part, holes cut out
        assert areas[plot.code] == pytest.approx(plot.area_m2, abs=0.01), plot.code


def test_a_j_label_for_every_numbered_point(ogrinfo_features, result):
    places = defaultdict(set)
    for pt in result.boundary_points:
        places[round(pt.y, 4), round(pt.x, 4)].add(pt.name)
    jzd = [f for f in ogrinfo_features if f["Layer"] == "JZD"]
    labels = [f["Text"] for f in jzd if "Text" in f]
    assert sorted(set(label.split("/")) for label in labels) == sorted(places.values())
    assert {pt.name for pt in result.boundary_points} == {
        name for label in labels for name in label.split("/")}
    assert len(jzd) == 2 * len(places)             # a point and a label each


def test_point_and_label_entities(entities, result):
    jzd = entities[entities["Layer"] == "JZD"]
    points = jzd[jzd["Text"].isna()]
    labels = jzd[jzd["Text"].notna()]
    by_place = {}
    for _, row in points.iterrows():
        names, *codes, x, y = xdata(row["RawCodeValues"])
        assert (row.geometry.x, row.geometry.y) == pytest.approx((float(y), float(x)))
        by_place[round(float(y), 4), round(float(x), 4)] = names.split("/"), set(codes)
    for pt in result.boundary_points:
        names, codes = by_place[round(pt.y, 4), round(pt.x, 4)]
        assert pt.name in names and pt.plot_code in codes
    assert len(labels) == len(points)


def test_j_labels_are_set_off_the_boundary_lines(dxf_path, result):
    doc = ezdxf.readfile(dxf_path)
    msp = doc.modelspace()
    lines = shapely.union_all([shapely.LinearRing([tuple(v)[:2] for v in e.get_points()])
                               for e in msp.query("LWPOLYLINE[layer=='JZX']")])
    points = defaultdict(list)     # label → its points (J1 is in every plot if per plot)
    for e in msp.query("POINT[layer=='JZD']"):
        points[e.get_xdata(APPID)[0].value].append(Point(e.dxf.location.x, e.dxf.location.y))
    labels = msp.query("TEXT[layer=='JZD']")
    height = labels[0].dxf.height
    assert {t.dxf.height for t in labels} == {height}
    sides = [pt.side_m for pt in result.boundary_points]
    assert height == point_label_height(text_height([p.area_m2 for p in result.plots]), sides)
    for label in labels:
        at = Point(label.dxf.align_point.x, label.dxf.align_point.y)
        assert lines.distance(at) >= 0.3 * height, label.dxf.text     # not on a line
        assert min(at.distance(p) for p in points[label.dxf.text]) == pytest.approx(
            0.6 * height)                                               # beside its point
        assert label.dxf.style == TEXT_STYLE


def test_a_shared_corner_numbered_once_is_drawn_once(result):
    # two plots sharing a side; the plan numbers the shared corners once (issue 11): the
    # second plot's points there take the first plot's numbers
    first = result.plots[0]                          # box(X0, Y0, X0 + 120.25, Y0 + 95.5)
    east = MultiPolygon([box(X0 + 120.25, Y0, X0 + 220.25, Y0 + 95.5)])
    second = replace(result.plots[4], geometry=east, area_m2=east.area)
    plan = replace(result, plots=(first, second), context=())
    numbers = {}
    points = []
    for pt in plan.boundary_points:
        place = (round(pt.x, 4), round(pt.y, 4))
        if pt.plot_code == first.code:
            numbers[place] = pt.number
        points.append(replace(pt, number=numbers.get(place, 100 + pt.number)))
    plan.__dict__["boundary_points"] = tuple(points)   # the cached property, as numbered
    doc = ezdxf.read(io.StringIO(write_dxf(plan).decode("gbk")))
    texts = sorted(t.dxf.text for t in doc.modelspace().query("TEXT[layer=='JZD']"))
    assert texts == sorted({pt.name for pt in points})
    assert len(texts) == 6                           # 4 + 4 corners, 2 of them shared
    shared = [e for e in doc.modelspace().query("POINT[layer=='JZD']")
              if len(e.get_xdata(APPID)) == 5]         # name, two plot codes, X, Y
    assert len(shared) == 2
    # numbered per plot (an option some bureaus want): one label with both numbers
    per_plot = replace(plan, context=())
    per_plot.__dict__["boundary_points"] = tuple(
        replace(pt, number=pt.number + (100 if pt.plot_code == second.code else 0))
        for pt in points)
    doc = ezdxf.read(io.StringIO(write_dxf(per_plot).decode("gbk")))
    texts = sorted(t.dxf.text for t in doc.modelspace().query("TEXT[layer=='JZD']"))
    assert len(texts) == 6 and sum("/" in t for t in texts) == 2
    # every label, the T-junctions' too, sits outside the two plots, in the free half
    both = shapely.union_all([first.geometry, east])
    for e in doc.modelspace().query("TEXT[layer=='JZD']"):
        assert both.distance(Point(e.dxf.align_point.x, e.dxf.align_point.y)) > 0, e.dxf.text


# --- geometry and attributes -------------------------------------------------------------

def test_plots_rebuilt_from_rings_have_their_areas(entities, result):
    plots = rings_by_plot(entities)
    assert sorted(plots) == sorted(p.code for p in result.plots)
    for plot in result.plots:
        rebuilt = rebuild(plots[plot.code])
        assert rebuilt.area == pytest.approx(plot.area_m2, abs=0.01), plot.code
        assert rebuilt.symmetric_difference(plot.geometry).area < 0.01, plot.code


def test_holes_and_parts_are_separate_rings(entities):
    plots = rings_by_plot(entities)
    assert {part: sorted(rings) for part, rings in plots["NQ-01-02"].items()} == {1: [0, 1]}
    assert {part: sorted(rings) for part, rings in plots["NQ-02-01"].items()} == {
        1: [0], 2: [0]}
    assert plots["NQ-01-02"][1][1].area == pytest.approx(40 * 40)


def test_class_hatches_are_the_plot_polygons(entities, result):
    hatches = entities[entities["Layer"].isin(CLASS_LAYERS)]
    assert (hatches.geom_type == "Polygon").all()
    by_code = defaultdict(list)
    for _, row in hatches.iterrows():
        # by type: the GDAL in pyogrio (3.12) also leaves out a HATCH's 1071 (the part)
        tags = [t.partition(" ") for t in row["RawCodeValues"] if t.startswith("10")]
        code, land_class, name = (v for c, _, v in tags if c == "1000")
        area_m2, area_mu = (v for c, _, v in tags if c == "1040")
        by_code[code].append(row.geometry)
        plot = next(p for p in result.plots if p.code == code)
        assert row["Layer"] == f"{land_class}{name}" == f"{plot.land_class}{plot.land_class_name}"
        assert float(area_m2) == pytest.approx(plot.area_m2, rel=1e-12)
        assert float(area_mu) == pytest.approx(plot.area_mu, rel=1e-12)
    for plot in result.plots:
        polygon = shapely.union_all(by_code[plot.code])
        assert polygon.area == pytest.approx(plot.area_m2, abs=0.01), plot.code
        assert polygon.symmetric_difference(plot.geometry).area < 0.01
    assert len(by_code["NQ-02-01"]) == 2               # one hatch per part


def test_coordinates_keep_the_zone_prefix(entities, result):
    plots = entities[entities["Layer"] == "JZX"]
    xmin, ymin, xmax, ymax = plots.total_bounds
    # x = easting with zone prefix 38, y = northing: not swapped, not stripped
    assert 38_400_000 < xmin < xmax < 38_410_000
    assert 3_250_000 < ymin < ymax < 3_260_000
    square = rings_by_plot(entities)["NQ-01-01"][1][0]
    assert shapely.get_coordinates(square).min(axis=0).tolist() == [38_403_000.0, 3_256_000.0]


def test_xdata_of_the_boundary_lines(entities, result):
    for _, row in entities[entities["Layer"] == "JZX"].iterrows():
        code, land_class, name, _part, _ring, area_m2, area_mu = xdata(row["RawCodeValues"])
        plot = next(p for p in result.plots if p.code == code)
        assert (land_class, name) == (plot.land_class, plot.land_class_name)
        assert float(area_m2) == pytest.approx(plot.area_m2, rel=1e-12)
        assert float(area_mu) == pytest.approx(plot.area_mu, rel=1e-12)


def test_parcel_labels_inside_their_plots(entities, result):
    labels = entities[entities["Layer"] == "ZDH"]
    assert (labels.geom_type == "Point").all()
    assert len(labels) == len(result.plots)
    by_code = {text.split("\n")[0]: (text, point)
               for text, point in zip(labels["Text"], labels.geometry, strict=True)}
    for plot in result.plots:
        text, point = by_code[plot.code]
        assert text == f"{plot.code}\n{plot.area_mu:.4f}亩"
        assert plot.geometry.contains(point), plot.code
        tags = xdata(labels[labels["Text"] == text]["RawCodeValues"].iloc[0])
        assert tags[:3] == [plot.code, plot.land_class, plot.land_class_name]


def test_red_line_is_the_outline_of_the_plan(entities, result):
    red = entities[entities["Layer"] == "红线"]
    assert (red.geom_type == "Polygon").all()
    # rings nest once here (holes inside outer rings): XOR gives outer minus holes
    outline = functools.reduce(shapely.symmetric_difference, red.geometry)
    plan = shapely.union_all([p.geometry for p in result.plots])
    assert outline.area == pytest.approx(result.area_m2, abs=0.01)
    assert outline.symmetric_difference(plan).area < 0.01
    assert len(red) == 7   # five plots: one multipart (2), one holed (2), three simple


def test_red_line_merges_touching_plots(result, tmp_path):
    first = result.plots[0]                          # box(X0, Y0, X0 + 120.25, Y0 + 95.5)
    east = MultiPolygon([box(X0 + 120.25, Y0, X0 + 220.25, Y0 + 95.5)])
    second = replace(result.plots[4], geometry=east, area_m2=east.area)
    path = tmp_path / "touching.dxf"
    path.write_bytes(write_dxf(replace(result, plots=(first, second))))
    red = read_with_gdal(path)
    red = red[red["Layer"] == "红线"]
    assert len(red) == 1
    assert red.geometry.iloc[0].area == pytest.approx(first.area_m2 + second.area_m2,
                                                      abs=0.01)


def test_context_around_the_plan(entities, result):
    for kind, layer in (("road", "道路"), ("zone", "园区分区"), ("plot", "相邻地块")):
        drawn = entities[entities["Layer"] == layer]
        features = [c for c in result.context if c.kind == kind]
        assert sorted(xdata(r)[0] for r in drawn["RawCodeValues"]) == sorted(
            c.label for c in features)


# --- the file as CAD reads it ------------------------------------------------------------

def test_ezdxf_reads_version_code_page_style_units_and_layers(dxf_path, result):
    doc = ezdxf.readfile(dxf_path)
    assert doc.dxfversion == "AC1015"                       # R2000: text in the code page
    assert doc.header["$DWGCODEPAGE"] == "ANSI_936"
    assert doc.header["$INSUNITS"] == 6                     # metres
    assert doc.header["$PDMODE"] == 33                      # points drawn as circles
    style = doc.styles.get(TEXT_STYLE)
    assert style.dxf.font == FONT_FILE == "simsun.ttc"
    assert style.get_extended_font_data()[0] == "SimSun"
    assert doc.appids.has_entry(APPID)
    assert doc.layers.get("红线").color == 1
    for layer in CLASS_LAYERS | CASS_LAYERS:
        assert doc.layers.has_entry(layer)
    labels = doc.modelspace().query("MTEXT[layer=='ZDH']")
    assert len(labels) == len(result.plots)
    assert {m.dxf.style for m in labels} == {TEXT_STYLE}
    height = text_height([p.area_m2 for p in result.plots])
    assert {m.dxf.char_height for m in labels} == {height}
    assert 3 <= height <= 15   # plots of about 1–2 ha, 100–150 m across
    assert doc.header["$EXTMIN"][:2] == pytest.approx((38_403_000.0, 3_256_000.0))
    assert doc.modelspace().query("LWPOLYLINE")[0].dxf.extrusion == (0, 0, 1)


def test_title_block_says_plan_crs_and_what_was_left_out(dxf_path, result):
    doc = ezdxf.readfile(dxf_path)
    (title,) = doc.modelspace().query("MTEXT[layer=='TK']")
    text = title.plain_text()
    assert text.splitlines()[0] == result.title
    assert "坐标系 2000国家大地坐标系 3度带 高斯-克吕格投影 第38带（EPSG:4526）" in text
    assert "未列入（已征收）：NQ-04-01" in text
    facts = dict(tag.value.split("=", 1) for tag in title.get_xdata(APPID))
    assert facts["CRS"] == "EPSG:4526" and facts["EXCLUDED_REQUISITIONED"] == "NQ-04-01"
    assert facts["DATE"] == "2026-11-22"
    assert title.dxf.insert[1] > doc.header["$EXTMAX"][1] or title.dxf.insert[1] > max(
        p.geometry.bounds[3] for p in result.plots)


def test_file_is_gbk(dxf_path):
    data = dxf_path.read_bytes()
    text = data.decode("gbk")
    assert "0101水田" in text and "君山" in text
    assert "0101水田".encode("gbk") in data and "君山".encode() not in data


def test_a_character_gbk_lacks_is_refused_with_its_plot(result):
    plots = (replace(result.plots[0], code="NQ-01-01ğ"), *result.plots[1:])
    with pytest.raises(BadRequest) as refused:
        write_dxf(replace(result, plots=plots))
    assert refused.value.message == (
        "plot NQ-01-01ğ: character 'ğ' (U+011F) cannot be written in the DXF's GBK code "
        "page (ANSI_936); change the text")
    with pytest.raises(BadRequest, match=re.escape("(U+20BB7)")):
        write_dxf(replace(result, park_name="𠮷山园区"))


def test_english_layer_names(result, tmp_path):
    path = tmp_path / "en.dxf"
    path.write_bytes(write_dxf(result, lang="en"))
    entities = read_with_gdal(path)
    assert set(entities["Layer"]) == CLASS_LAYERS | CASS_LAYERS | {
        "RED_LINE", "ROAD", "ZONE", "NEIGHBOUR_PLOT"}
    labels = entities[entities["Layer"] == "ZDH"]
    assert "NQ-01-01\n17.2258 mu" in set(labels["Text"])
    title = entities[entities["Layer"] == "TK"]["Text"].iloc[0]
    assert "CRS CGCS2000 3-degree Gauss-Krüger zone 38 (EPSG:4526)" in title


def test_layer_names_are_valid_dxf_names():
    assert layer_name("0101", "水田") == "0101水田"
    assert layer_name("1004", "城镇村道路/用地") == "1004城镇村道路_用地"
    assert layer_name(None, None) == "未分类"
    assert layer_name(None, None, "en") == "UNCLASSIFIED"
    for name in ("a<b>c", 'x"y', "p:q;r", "s?t*u", "v|w=x", "y`z", "\\back"):
        cleaned = layer_name("9", name)
        assert is_valid_layer_name(cleaned), cleaned


def test_text_heights_follow_plot_size():
    assert text_height([10_000.0]) == 6.5
    assert text_height([100.0, 100.0, 100.0]) < text_height([10_000.0]) < text_height(
        [1_000_000.0])
    assert text_height([1.0]) == 0.5
    assert text_height([1e12]) == 50.0
    assert text_height([]) > 0
    assert point_label_height(6.5, [100.0, 120.0]) == 4.25      # two thirds
    assert point_label_height(6.5, [4.0, 5.0, 6.0]) == 1.25     # dense points: side / 4
    assert point_label_height(0.5, []) == 0.25


def test_empty_plan(result, tmp_path):
    path = tmp_path / "empty.dxf"
    path.write_bytes(write_dxf(replace(result, plots=(), context=())))
    assert len(ezdxf.readfile(path).modelspace()) == 0
