"""Areas: every plot's area agrees with an independent GK computation (pyproj + shapely)."""

import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import shape

from app import crs
from tests.client import login


def _stack(transform, xy):
    x, y = transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def test_every_plot_area_matches_pyproj(client, conn):
    """area_mu from the API agrees with pyproj's EPSG:4547 projection to 0.01%."""
    park = conn.execute("SELECT id, gk_epsg FROM parks ORDER BY id LIMIT 1").fetchone()
    assert park["gk_epsg"] == 4547  # Junshan, Yueyang: zone 38
    to_gk = Transformer.from_crs(4326, park["gk_epsg"], always_xy=True).transform
    login(client, "viewer")
    fc = client.get(f"/api/v1/plots?park={park['id']}&limit=10000").get_json()
    assert fc["numberReturned"] == fc["numberMatched"] > 0
    for f in fc["features"]:
        expected_m2 = shapely.transform(shape(f["geometry"]), lambda xy: _stack(to_gk, xy)).area
        p = f["properties"]
        assert p["area_m2"] == pytest.approx(expected_m2, rel=1e-4), p["code"]
        assert p["area_mu"] == pytest.approx(expected_m2 / crs.M2_PER_MU, rel=1e-4), p["code"]
        assert p["area_ha"] == pytest.approx(expected_m2 / 10_000, rel=1e-4), p["code"]


def test_gk_area_differs_from_web_mercator(conn):
    """Web Mercator would inflate areas by about 1/cos²(lat): +32% at 29.5°N (DESIGN §3)."""
    row = conn.execute("""SELECT sum(area_m2) AS gk,
                                 sum(ST_Area(ST_Transform(geom, 3857))) AS merc
                          FROM plots""").fetchone()
    assert row["merc"] / row["gk"] == pytest.approx(1.32, abs=0.02)
