"""One demo plan, every export, read back by independent readers: the totals agree.

The issue's acceptance check: for a demo plan the totals in XLSX, TXT, PDF, GPKG and the
plan page agree to 0.01 m² and to the yuan; the TXT opens back into the same polygons;
the DXF opens in GDAL with the right coordinates. The plan includes a holed plot, a
plot made multipart here, a plot in two price zones, state land and an excluded plot.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import subprocess
import zipfile
from decimal import Decimal

import openpyxl
import pyogrio
import pytest
import shapely
from pyproj import Transformer

from app import coordinate_file, exporters, requisition
from app.errors import BadRequest
from tests.client import login

DEMO_PLAN = "北区2026年度第一批次城镇建设用地征收方案"


@pytest.fixture
def demo(conn):
    """The demo plan with NQ-04-02 cut into two parts by a 2 m strip."""
    conn.execute("""
        UPDATE plots SET geom = ST_Multi(ST_Difference(geom, ST_Transform(ST_Buffer(
          ST_MakeLine(ST_Translate(ST_Centroid(geom_gk), 0, -2000),
                      ST_Translate(ST_Centroid(geom_gk), 0, 2000)), 1), 4490)))
        WHERE code = 'NQ-04-02'""")
    plan_id = conn.execute("SELECT id FROM requisition_plans WHERE name = %s",
                           (DEMO_PLAN,)).fetchone()["id"]
    result = requisition.compute(conn, plan_id)
    assert any(len(p.geometry.geoms) == 2 for p in result.plots)
    assert any(len(g.interiors) for p in result.plots for g in p.geometry.geoms)
    assert result.excluded
    return result


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_xlsx_totals_match(demo):
    book = openpyxl.load_workbook(io.BytesIO(exporters.export(demo, "xlsx")), data_only=True)
    rows = [r for r in book["汇总"].iter_rows(values_only=True) if r[0] is not None]
    total_area = next(r for r in rows if r[0] == "总面积")
    assert total_area[1] == len(demo.plots)
    assert abs(total_area[2] - demo.area_m2) < 0.01
    money_total = [r for r in rows if r[0] == "合计" and isinstance(r[1], int | float)][-1]
    assert money(money_total[1]) == demo.compensation.total
    plots = list(book["地块明细"].iter_rows(min_row=2, values_only=True))
    codes = {p.code for p in demo.plots}
    assert codes <= {r[0] for r in plots}


def test_txt_round_trips_into_the_same_polygons(demo):
    data = exporters.export(demo, "txt")
    parsed = coordinate_file.read(data)
    assert parsed.attributes["带号"] == "38"
    by_code = {p.code: p for p in parsed.parcels}
    assert set(by_code) == {p.code for p in demo.plots}
    for plot in demo.plots:
        back = by_code[plot.code].geometry
        assert abs(back.area - plot.area_m2) < 0.01, plot.code
        assert shapely.symmetric_difference(back, plot.geometry).area < 0.01, plot.code
        assert len(back.geoms) == len(plot.geometry.geoms)
    declared = sum(p.area_ha for p in parsed.parcels) * 10000
    assert abs(declared - demo.area_m2) < 0.01 * len(demo.plots)


def test_gpkg_and_shapefile_totals_match(demo, tmp_path):
    path = tmp_path / "plan.gpkg"
    path.write_bytes(exporters.export(demo, "gpkg"))
    frame = pyogrio.read_dataframe(path, layer="plan_plots")
    assert len(frame) == len(demo.plots)
    assert frame.crs.to_epsg() == demo.gk_epsg
    assert abs(frame.geometry.area.sum() - demo.area_m2) < 0.01
    assert abs(frame["area_m2"].sum() - demo.area_m2) < 0.01
    assert money(frame["compensation_total"].sum()) == demo.compensation.total

    zipped = tmp_path / "plan.zip"
    zipped.write_bytes(exporters.export(demo, "shp"))
    names = zipfile.ZipFile(zipped).namelist()
    assert any(n.endswith(".cpg") for n in names) and any(n.endswith(".prj") for n in names)
    shp = pyogrio.read_dataframe(f"/vsizip/{zipped}")
    assert len(shp) == len(demo.plots)
    assert abs(shp.geometry.area.sum() - demo.area_m2) < 0.01


def test_geojson_and_kml_areas_match_after_projecting_back(demo, tmp_path):
    to_gk = Transformer.from_crs(4326, demo.gk_epsg, always_xy=True)
    for fmt in ("geojson", "kml"):
        path = tmp_path / f"plan.{fmt}"
        path.write_bytes(exporters.export(demo, fmt))
        frame = pyogrio.read_dataframe(path)
        assert len(frame) == len(demo.plots), fmt
        gk = shapely.transform(frame.geometry.values, lambda xy: list(zip(*to_gk.transform(
            xy[:, 0], xy[:, 1]), strict=True)))
        assert abs(sum(g.area for g in gk) - demo.area_m2) < 0.01, fmt


def test_dxf_opens_in_gdal_with_gk_coordinates(demo, tmp_path):
    path = tmp_path / "plan.dxf"
    path.write_bytes(exporters.export(demo, "dxf"))
    pyogrio.set_gdal_config_options({"DXF_CLOSED_LINE_AS_POLYGON": "TRUE"})
    try:
        frame = pyogrio.read_dataframe(path)    # no DXF_ENCODING: the file says GBK itself
    finally:
        pyogrio.set_gdal_config_options({"DXF_CLOSED_LINE_AS_POLYGON": None})
    polygons = frame[frame["Layer"] == "JZX"]   # the boundary lines (界址线), not the context
    assert "红线" in set(frame["Layer"])
    minx, miny, maxx, maxy = polygons.total_bounds
    want = shapely.MultiPolygon([g for p in demo.plots for g in p.geometry.geoms]).bounds
    assert abs(minx - want[0]) < 0.001 and abs(maxy - want[3]) < 0.001
    assert 38_000_000 < minx < 39_000_000  # the zone prefix is there
    texts = [t for t in frame["Text"] if isinstance(t, str) and t]
    labels = {re.split(r"\\P|\n", t)[0] for t in texts}
    assert {p.code for p in demo.plots} <= labels


def test_pdf_shows_the_same_totals_and_the_owners(demo, tmp_path):
    path = tmp_path / "plan.pdf"
    path.write_bytes(exporters.export(demo, "pdf"))
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, check=True, text=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert DEMO_PLAN in flat
    assert f"{demo.area_m2:,.2f}" in flat
    assert f"{demo.compensation.total:,.2f}" in flat
    for owner in demo.by_owner:
        assert owner.owner in flat


def test_page_and_api_show_the_same_totals(app, client, conn, demo):
    login(client, "planner")  # the demo plan is a draft, which viewers do not read
    html = client.get(f"/plans/{demo.plan_id}").get_data(as_text=True)
    assert f"{demo.area_m2:,.2f}" in html
    assert f"{demo.compensation.total:,.2f}" in html
    for owner in demo.by_owner:
        assert owner.owner in html
    api = client.get(f"/api/v1/plans/{demo.plan_id}/result").get_json()
    assert abs(api["area_m2"] - demo.area_m2) < 0.01
    assert api["compensation"]["total"] == str(demo.compensation.total)
    assert json.dumps(api, ensure_ascii=False).count("NQ-10-01") == 1  # listed once, excluded


def test_the_txt_states_the_survey_precision_of_the_park_setting(conn, demo):
    header = coordinate_file.read(exporters.export(demo, "txt")).attributes
    assert header["精度"] == "0.05"  # the default, though coordinates have 4 decimals
    conn.execute("UPDATE parks SET settings = jsonb_set(settings, '{survey}', "
                 "'{\"precision\": \"0.02\"}') WHERE id = %s", (demo.park_id,))
    result = requisition.compute(conn, demo.plan_id)
    assert result.survey.precision == "0.02"
    text = exporters.export(result, "txt", encoding="utf-8").decode()
    assert "\r\n精度=0.02\r\n" in text
    assert re.search(r"\r\nJ1,1,\d+\.\d{4},\d+\.\d{4}\r\n", text)
    frozen = type(result).from_json(result.to_json())
    assert coordinate_file.read(exporters.export(frozen, "txt")).attributes["精度"] == "0.02"


@pytest.mark.parametrize("bad", ["", "-0.05", "0", "5cm", "0,05"])
def test_a_bad_survey_precision_is_refused_in_the_users_language(demo, bad):
    with pytest.raises(BadRequest) as caught:
        exporters.export(dataclasses.replace(
            demo, survey=dataclasses.replace(demo.survey, precision=bad)), "txt")
    assert "survey.precision" in caught.value.message and caught.value.status == 400
