"""ParkAtlas's own exports of a plan read back: the same plots, codes and areas."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Transformer

from app import coordinate_file
from app.exporters import cad, gis_files
from app.imports import sources
from tests.plan_samples import sample_result

_TO_GK = Transformer.from_crs(4490, 4526, always_xy=True)


def to_gk(geometry):
    return shapely.transform(
        geometry, lambda xy: np.column_stack(_TO_GK.transform(xy[:, 0], xy[:, 1])))


@pytest.fixture(scope="module")
def result():
    return sample_result()


def _areas(result):
    return {p.code: p.geometry.area for p in result.plots}


def _by_code(incoming, gk=True):
    codes = {}
    for f in incoming.features:
        code = next(v for v in f.properties.values() if isinstance(v, str) and "-" in v)
        geometry = f.geometry if gk else to_gk(f.geometry)
        codes[code] = codes.get(code, 0.0) + geometry.area
    return codes


@pytest.mark.parametrize("name,write,gk", [
    ("plan.gpkg", gis_files.write_gpkg, True),
    ("plan.zip", gis_files.write_shapefile_zip, True),
    ("plan.geojson", gis_files.write_geojson, False),
    ("plan.kml", gis_files.write_kml, False),
])
def test_gis_files_come_back_with_their_codes_and_areas(tmp_path, result, name, write, gk):
    path = tmp_path / name
    path.write_bytes(write(result, "zh"))
    incoming = sources.read(path, filename=name)
    found = _by_code(incoming, gk)
    expected = _areas(result)
    assert set(found) >= set(expected)
    for code, area in expected.items():  # lon/lat files too: measured back in GK zone 38
        assert found[code] == pytest.approx(area, abs=0.01), code


def test_the_dxf_comes_back_as_jzx_rings_labelled_by_zdh(tmp_path, result):
    path = tmp_path / "plan.dxf"
    path.write_bytes(cad.write_dxf(result, "zh"))
    incoming = sources.read(path, filename="plan.dxf")
    assert incoming.encoding == "gbk" and incoming.layer == "JZX"
    polygons = [f for f in incoming.features if f.geometry.geom_type == "Polygon"]
    labelled = {f.properties["ZDH"]: f.geometry.area for f in polygons if "ZDH" in f.properties}
    expected = _areas(result)
    assert set(labelled) == set(expected)
    assert sum(f.geometry.area for f in polygons) == pytest.approx(sum(expected.values()),
                                                                   abs=0.01)
    for plot in result.plots:
        if plot.geometry.geom_type == "Polygon" or len(plot.geometry.geoms) == 1:
            assert labelled[plot.code] == pytest.approx(plot.geometry.area, abs=0.01)


def test_the_coordinate_txt_comes_back(tmp_path, result):
    path = tmp_path / "plan.txt"
    path.write_bytes(coordinate_file.write(result))
    incoming = sources.read(path, filename="报批坐标.txt")
    assert incoming.crs == 4526 and incoming.warnings == []
    found = {f.properties["地块编号"]: f.geometry.area for f in incoming.features}
    for code, area in _areas(result).items():
        assert found[code] == pytest.approx(area, abs=0.01), code


def test_the_boundary_point_csv_comes_back(tmp_path, result):
    from app.exporters import workbook

    path = tmp_path / "points.csv"
    path.write_bytes(workbook.write_points_csv(result, "zh"))
    incoming = sources.read(path, filename="界址点.csv")
    found = {f.properties["地块编号"]: f.geometry.area for f in incoming.features}
    for code, area in _areas(result).items():
        assert found[code] == pytest.approx(area, abs=0.01), code
