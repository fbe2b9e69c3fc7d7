"""DXF export read back by GDAL (pyogrio) and by ezdxf and compared with the plan result:
plots rebuilt from their rings by the XDATA code, areas in GK, zone-prefixed coordinates,
land-class layers, labels, red line, text style and units. No database needed."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import replace

import ezdxf
import pyogrio
import pytest
import shapely
from ezdxf.lldxf.validator import is_valid_layer_name
from shapely.geometry import MultiPolygon, Polygon, box

from app.exporters import export, filename
from app.exporters.cad import APPID, FONT_FILE, TEXT_STYLE, layer_name, text_height, write_dxf
from app.plan_result import PlanResult
from tests.plan_samples import X0, Y0, sample_result

GDAL_OPTIONS = {
    "DXF_CLOSED_LINE_AS_POLYGON": "TRUE",   # closed LWPOLYLINEs as polygons
    "DXF_ENCODING": "UTF-8",                # GDAL goes by $DWGCODEPAGE even for R2010
    "DXF_INCLUDE_RAW_CODE_VALUES": "TRUE",  # XDATA in RawCodeValues
}
CLASS_LAYERS = {"0101水田", "0201果园", "0702农村宅基地", "1206裸土地", "0601工业用地"}


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
    """The values of our application's XDATA in GDAL's RawCodeValues ("code value")."""
    items = list(raw)
    start = items.index(f"1001 {APPID}") + 1
    values = []
    for item in items[start:]:
        code, _, value = item.partition(" ")
        if code == "1001":
            break
        values.append(value)
    return values


def rings_by_plot(entities) -> dict[str, dict[int, dict[int, Polygon]]]:
    """plot code → part number → ring number → ring as a polygon, from polylines."""
    plots: dict = defaultdict(lambda: defaultdict(dict))
    polygons = entities[entities.geom_type == "Polygon"]
    for _, row in polygons[polygons["Layer"].isin(CLASS_LAYERS)].iterrows():
        code, part, ring, *_ = xdata(row["RawCodeValues"])
        assert int(ring) not in plots[code][int(part)], "ring written twice"
        plots[code][int(part)][int(ring)] = row["Layer"], row.geometry
    return plots


def rebuild(parts: dict) -> shapely.Geometry:
    """Each part's outer ring (0) minus its holes (1..), all parts together."""
    built = []
    for rings in parts.values():
        outer = rings[0][1]
        holes = [geometry for number, (_, geometry) in rings.items() if number]
        built.append(outer.difference(shapely.union_all(holes)) if holes else outer)
    return shapely.union_all(built)


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
    hole = plots["NQ-01-02"][1][1][1]
    assert hole.area == pytest.approx(40 * 40)


def test_coordinates_keep_the_zone_prefix(entities, result):
    xmin, ymin, xmax, ymax = entities.total_bounds
    # x = easting with zone prefix 38, y = northing: not swapped, not stripped
    assert 38_400_000 < xmin < xmax < 38_410_000
    assert 3_250_000 < ymin < ymax < 3_260_000
    plots = rings_by_plot(entities)
    square = plots["NQ-01-01"][1][0][1]
    assert shapely.get_coordinates(square).min(axis=0).tolist() == [38_403_000.0, 3_256_000.0]


def test_one_layer_per_land_class(entities, result):
    plots = rings_by_plot(entities)
    for plot in result.plots:
        layers = {layer for rings in plots[plot.code].values() for layer, _ in rings.values()}
        assert layers == {f"{plot.land_class}{plot.land_class_name}"}
    assert set(entities["Layer"]) == CLASS_LAYERS | {"地块注记", "红线"}


def test_xdata_areas(entities, result):
    for _, row in entities[entities["Layer"].isin(CLASS_LAYERS)].iterrows():
        code, _part, _ring, area_m2, area_mu = xdata(row["RawCodeValues"])
        plot = next(p for p in result.plots if p.code == code)
        assert float(area_m2) == pytest.approx(plot.area_m2, rel=1e-12)
        assert float(area_mu) == pytest.approx(plot.area_mu, rel=1e-12)


def test_labels_inside_their_plots(entities, result):
    labels = entities[entities["Layer"] == "地块注记"]
    assert (labels.geom_type == "Point").all()
    assert len(labels) == len(result.plots)
    by_code = {text.split("\n")[0]: (text, point)
               for text, point in zip(labels["Text"], labels.geometry, strict=True)}
    for plot in result.plots:
        text, point = by_code[plot.code]
        assert text == f"{plot.code}\n{plot.area_mu:.4f}亩"
        assert plot.geometry.contains(point), plot.code
        assert xdata(labels[labels["Text"] == text]["RawCodeValues"].iloc[0])[0] == plot.code


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
    # two plots sharing a side: one red outline around both, no line between them
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


def test_ezdxf_reads_style_units_and_layers(dxf_path, result):
    doc = ezdxf.readfile(dxf_path)
    assert doc.dxfversion == "AC1024"                       # R2010: UTF-8 text
    assert doc.header["$INSUNITS"] == 6                     # metres
    assert doc.header["$DWGCODEPAGE"] == "ANSI_936"
    style = doc.styles.get(TEXT_STYLE)
    assert style.dxf.font == FONT_FILE == "simsun.ttc"
    assert style.get_extended_font_data()[0] == "SimSun"
    assert doc.appids.has_entry(APPID)
    assert doc.layers.get("红线").color == 1
    for layer in CLASS_LAYERS:
        assert doc.layers.has_entry(layer)
    labels = doc.modelspace().query("MTEXT")
    assert len(labels) == len(result.plots)
    assert {m.dxf.style for m in labels} == {TEXT_STYLE}
    assert {m.dxf.layer for m in labels} == {"地块注记"}
    height = text_height([p.area_m2 for p in result.plots])
    assert {m.dxf.char_height for m in labels} == {height}
    assert 3 <= height <= 15   # plots of about 1–2 ha, 100–150 m across
    assert doc.header["$EXTMIN"][:2] == pytest.approx((38_403_000.0, 3_256_000.0))
    assert doc.header.custom_vars.get("CRS") == "EPSG:4526"
    assert doc.header.custom_vars.get("EXCLUDED_REQUISITIONED") == "NQ-04-01"
    assert doc.modelspace().query("LWPOLYLINE")[0].dxf.extrusion == (0, 0, 1)


def test_file_is_utf8(dxf_path):
    text = dxf_path.read_bytes().decode("utf-8")
    assert "0101水田" in text and "君山" in text


def test_english_layer_names(result, tmp_path):
    path = tmp_path / "en.dxf"
    path.write_bytes(write_dxf(result, lang="en"))
    entities = read_with_gdal(path)
    assert set(entities["Layer"]) == CLASS_LAYERS | {"PLOT_LABEL", "RED_LINE"}
    labels = entities[entities["Layer"] == "PLOT_LABEL"]
    assert "NQ-01-01\n17.2258 mu" in set(labels["Text"])


def test_layer_names_are_valid_dxf_names():
    assert layer_name("0101", "水田") == "0101水田"
    assert layer_name("1004", "城镇村道路/用地") == "1004城镇村道路_用地"
    assert layer_name(None, None) == "未分类"
    assert layer_name(None, None, "en") == "UNCLASSIFIED"
    for name in ("a<b>c", 'x"y', "p:q;r", "s?t*u", "v|w=x", "y`z", "\\back"):
        cleaned = layer_name("9", name)
        assert is_valid_layer_name(cleaned), cleaned


def test_text_height_follows_plot_size():
    assert text_height([10_000.0]) == 6.5
    assert text_height([100.0, 100.0, 100.0]) < text_height([10_000.0]) < text_height(
        [1_000_000.0])
    assert text_height([1.0]) == 0.5
    assert text_height([1e12]) == 50.0
    assert text_height([]) > 0


def test_empty_plan(result, tmp_path):
    path = tmp_path / "empty.dxf"
    path.write_bytes(write_dxf(replace(result, plots=())))
    assert len(ezdxf.readfile(path).modelspace()) == 0
