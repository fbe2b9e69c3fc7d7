"""Issue 13's "done when": a GBK Shapefile, a CASS DXF and a 报批坐标 TXT, each imported
through the web flow (upload → choose the CRS → commit) and through `parkatlas import`,
arrive with their Chinese attributes, in their place (GK centroids to the millimetre) and
with their areas (to 0.01 m²)."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from shapely.geometry import Polygon

from app.cli import main
from tests.builders import ORIGIN, approval_txt, bare_gbk_shapefile, cass_dxf, square
from tests.client import api_login

API = "/api/v1"
X, Y = ORIGIN[0] + 3000, ORIGIN[1] + 9000
HOLE = square(X + 40, Y + 40, 20)
OUTER = [(X, Y), (X + 120.5, Y), (X + 110, Y + 80.25), (X, Y + 95)]


def _gbk_shapefile(folder):
    rings = [square(X + 200 * i, Y, 100) for i in range(2)]
    path = bare_gbk_shapefile(folder, {"地块编号": ["D-SHP-1", "D-SHP-2"],
                                       "DKMC": ["东区标准厂房", "物流仓储用地"]}, rings)
    return path, {"D-SHP-1": ("东区标准厂房", Polygon(rings[0])),
                  "D-SHP-2": ("物流仓储用地", Polygon(rings[1]))}


def _cass_dxf(folder):
    other = square(X + 300, Y, 50)
    path = cass_dxf(folder / "宗地图.dxf", [(OUTER, [HOLE], "D-DXF-1"), (other, [], "D-DXF-2")])
    return path, {"D-DXF-1": (None, Polygon(OUTER, [HOLE])), "D-DXF-2": (None, Polygon(other))}


def _approval_txt(folder):
    other = square(X + 400, Y + 200, 60)
    path = approval_txt(folder / "报批坐标.txt", [(OUTER, "D-TXT-1", "南区一号", "0601"),
                                                (other, "D-TXT-2", "南区二号", "0602")])
    return path, {"D-TXT-1": ("南区一号", Polygon(OUTER)), "D-TXT-2": ("南区二号", Polygon(other))}


DELIVERIES = {"gbk_shapefile": _gbk_shapefile, "cass_dxf": _cass_dxf,
              "approval_txt": _approval_txt}


def _check(conn, expected):
    rows = conn.execute(
        "SELECT code, name, area_m2, ST_X(ST_Centroid(geom_gk)) AS x,"
        " ST_Y(ST_Centroid(geom_gk)) AS y FROM plots WHERE code = ANY(%s) ORDER BY code",
        [list(expected)]).fetchall()
    assert [r["code"] for r in rows] == sorted(expected)
    for row in rows:
        name, polygon = expected[row["code"]]
        if name is not None:
            assert row["name"] == name
        assert float(row["area_m2"]) == pytest.approx(polygon.area, abs=0.01)
        assert (row["x"], row["y"]) == pytest.approx(
            (polygon.centroid.x, polygon.centroid.y), abs=0.001)


@pytest.mark.parametrize("delivery", DELIVERIES)
def test_through_the_web_flow(delivery, client, conn, tmp_path):
    path, expected = DELIVERIES[delivery](tmp_path)
    planner = api_login(client, "planner")
    started = planner.post(f"{API}/imports?park=JSCY", content_type="multipart/form-data",
                           data={"layer": "plots",
                                 "file": (io.BytesIO(path.read_bytes()), path.name)})
    assert started.status_code == 201, started.get_data(as_text=True)[:500]
    body = started.get_json()
    if body["crs"] is None:  # the Shapefile and the drawing carry none: the page asks
        assert body["crs_candidates"][0]["epsg"] == 4526
        body = planner.put(f"{API}/imports/{body['id']}", json={"crs": 4526}).get_json()
    assert (body["crs"] or body["choices"]["crs"]) == 4526
    assert body["report"]["problems"] == []
    done = planner.post(f"{API}/imports/{body['id']}/commit", json={}).get_json()
    assert done["state"] == "committed" and done["counts"]["inserted"] == len(expected)
    _check(conn, expected)


@pytest.mark.parametrize("delivery", DELIVERIES)
def test_through_the_command_line(delivery, db_url, monkeypatch, conn, tmp_path):
    path, expected = DELIVERIES[delivery](tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("PARKATLAS_SECRET_KEY", "cli-test")
    crs = [] if delivery == "approval_txt" else ["--crs", "4526"]  # the TXT states its zone
    result = CliRunner().invoke(main, ["import", "plots", str(path), "--park", "JSCY", *crs],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"committed: inserted {len(expected)}," in result.output
    _check(conn, expected)
