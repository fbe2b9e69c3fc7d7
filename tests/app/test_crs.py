"""GK zone and EPSG selection (app.crs) against PROJ's own definitions and the schema."""

import pytest
from pyproj import CRS

from app import crs
from app.errors import BadRequest


@pytest.mark.parametrize(("lon", "zone"), [
    (113.1, 38),      # Yueyang, the DESIGN example
    (113.0, 38),
    (112.49, 37),     # just west of the 37/38 boundary at 112.5°E
    (112.5, 38),      # the boundary itself rounds up
    (73.6, 25),       # westernmost zone
    (134.9, 45),      # easternmost zone
    (121.47, 40),     # Shanghai
    (104.06, 35),     # Chengdu
])
def test_zone_of_longitude(lon, zone):
    assert crs.gk_zone(lon) == zone


@pytest.mark.parametrize("lon", [10.0, 72.0, 137.0, float("nan")])
def test_zone_outside_china_is_refused(lon):
    with pytest.raises(BadRequest):
        crs.gk_zone(lon)


def test_yueyang_example_from_design():
    zone = crs.gk_zone(113.1)
    assert crs.central_meridian(zone) == 114
    assert crs.gk_epsg(zone) == 4547
    assert crs.gk_epsg(zone, prefixed=True) == 4526


@pytest.mark.parametrize("zone", range(crs.FIRST_ZONE, crs.LAST_ZONE + 1))
@pytest.mark.parametrize("prefixed", [False, True])
def test_epsg_matches_proj_definition(zone, prefixed):
    """Every EPSG code chosen is the CGCS2000 3-degree GK CRS of that zone in PROJ."""
    definition = CRS.from_epsg(crs.gk_epsg(zone, prefixed))
    assert "CGCS2000" in definition.name
    assert definition.geodetic_crs.to_epsg() == 4490
    params = {p.name: p.value for p in definition.coordinate_operation.params}
    assert params["Longitude of natural origin"] == crs.central_meridian(zone)
    expected_easting = zone * 1_000_000 + 500_000 if prefixed else 500_000
    assert params["False easting"] == expected_easting
    assert params["Scale factor at natural origin"] == 1


def test_epsg_refuses_unknown_zone():
    with pytest.raises(BadRequest):
        crs.gk_epsg(24)


def test_schema_derives_the_same_epsg(conn):
    """The parks table's generated EPSG columns agree with app.crs for every zone."""
    rows = conn.execute("""SELECT z, 4534 + z - 25 AS plain, 4513 + z - 25 AS prefixed
                           FROM generate_series(25, 45) AS z""").fetchall()
    park = conn.execute("SELECT gk_zone, gk_epsg, gk_epsg_prefixed FROM parks LIMIT 1").fetchone()
    assert park["gk_epsg"] == crs.gk_epsg(park["gk_zone"])
    assert park["gk_epsg_prefixed"] == crs.gk_epsg(park["gk_zone"], prefixed=True)
    for r in rows:
        assert r["plain"] == crs.gk_epsg(r["z"])
        assert r["prefixed"] == crs.gk_epsg(r["z"], prefixed=True)


def test_area_units():
    a = crs.areas(6666.6667)
    assert a["area_mu"] == pytest.approx(10.0, rel=1e-7)
    assert a["area_ha"] == pytest.approx(0.66666667)


def test_plan_results_use_the_one_set_of_units():
    from app import plan_result

    assert plan_result.M2_PER_MU is crs.M2_PER_MU
    assert plan_result.to_mu is crs.to_mu and plan_result.to_ha is crs.to_ha
    assert crs.to_mu(10000) == pytest.approx(15.0)
    assert crs.areas(10000) == {"area_m2": 10000, "area_mu": crs.to_mu(10000), "area_ha": 1.0}
