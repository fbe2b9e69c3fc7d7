"""CRS candidates of files that declare none, placed relative to the demo park (JSCY, GK
zone 38, ≈113.0°E 29.45°N), and files landing far away or outside China refused by where
they landed."""

from __future__ import annotations

import math

import pytest
from pyproj import Transformer
from shapely.geometry import box

from app.db import transaction
from app.errors import BadRequest
from app.imports import crs_guess, sources
from app.imports.incoming import Feature, Incoming

GK38 = 4526  # CGCS2000 3° GK zone 38, zone-prefixed
# a spot among the demo plots, as the three ways a file may write it
LON, LAT = Transformer.from_crs(GK38, 4490, always_xy=True).transform(38_405_000, 3_259_000)


def _incoming(x, y, size=50.0):
    geometry = box(x, y, x + size, y + size)
    return Incoming(format="dxf", layer=None, layers=[],
                    features=[Feature(1, "feature 1", geometry, {})])


@pytest.fixture(scope="module")
def park(module_db_url):
    from app import db

    with db.connect(module_db_url) as conn:
        return crs_guess.park_place(conn, "JSCY")


def test_the_park_is_read_from_the_database(park):
    assert park.code == "JSCY" and park.gk_zone == 38 and park.max_km == 20
    assert abs(park.lon - LON) < 0.2 and abs(park.lat - LAT) < 0.2
    assert park.outline is not None and park.outline.area > 1e5  # m², in GK


def test_longitude_latitude(park):
    found = crs_guess.candidates(_incoming(LON, LAT, 0.0005), park, "a.csv")
    assert [c.epsg for c in found] == [4490, 4326]
    assert found[0].km_from_park < 1 and abs(found[0].lon - LON) < 0.001
    assert str(found[0].name) == "CGCS2000 longitude/latitude"


def test_gk_with_the_zone_prefix(park):
    found = crs_guess.candidates(_incoming(38_405_000, 3_259_000), park, "a.dxf")
    # CGCS2000 first, then Xi'an 80 and Beijing 54 (explicit choices, by distance)
    assert found[0].epsg == GK38 and {c.epsg for c in found[1:]} == {2362, 2414}
    assert found[0].km_from_park < 1
    assert str(found[0].name) == ("CGCS2000 3-degree Gauss-Krüger zone 38, with the zone "
                                  "prefix")
    assert "Xi'an 1980 3-degree Gauss-Krüger zone 38, with the zone prefix" in {
        str(c.name) for c in found}
    assert found[2].km_from_park < 1


def test_gk_without_the_prefix_takes_the_parks_zone(park):
    found = crs_guess.candidates(_incoming(405_000, 3_259_000), park, "a.dxf")
    assert found[0].epsg == 4547 and found[0].km_from_park < 1  # CGCS2000 CM 114°E
    assert str(found[0].name) == ("CGCS2000 3-degree Gauss-Krüger, central meridian 114°E, "
                                  "without the zone prefix")
    assert found[-2:] and {c.epsg for c in found[-2:]} == {2383, 2435}  # explicit choices
    assert 4508 in [c.epsg for c in found]  # 6-degree, CM 111°E: ranked by distance
    distances = [c.km_from_park for c in found[:-2]]
    assert distances == sorted(distances)


def test_features_far_from_the_park_are_refused_saying_where(park):
    with pytest.raises(BadRequest) as caught:
        crs_guess.candidates(_incoming(38_405_000, 3_459_000), park, "宗地图.dxf")
    message = str(caught.value)
    assert message.startswith("宗地图.dxf: in CGCS2000 3-degree Gauss-Krüger zone 38")
    assert "31.2" in message and "km from park JSCY, farther than the 20 km" in message
    assert caught.value.code == "crs_too_far"
    assert 150 < caught.value.details["km_from_park"] < 250


def test_coordinates_outside_china_are_refused(park):
    with pytest.raises(BadRequest, match="a.csv: the coordinates .* fit no coordinate system "
                                         "that places them in China") as caught:
        crs_guess.candidates(_incoming(2.35, 48.85, 0.001), park, "a.csv")  # Paris
    assert caught.value.code == "crs_outside_china"


def test_a_chosen_crs_is_placed_and_checked(park):
    incoming = _incoming(38_405_000, 3_259_000)
    chosen = crs_guess.landing(incoming, 2362, park)
    assert chosen.epsg == 2362 and chosen.km_from_park < 1
    assert str(chosen.name) == "EPSG:2362 Xian 1980 / 3-degree Gauss-Kruger zone 38"
    with pytest.raises(BadRequest, match="km from park JSCY"):
        crs_guess.landing(incoming, 4527, park, file="a.dxf")  # zone 39: 300 km east
    assert math.isnan(crs_guess.landing(incoming, 4526, None).km_from_park)


def test_read_places_a_file_by_the_park_code(module_db_url, tmp_path):
    from app import db

    path = tmp_path / "p.csv"
    path.write_text("地块编号,点号,X,Y\nP,J1,3459000,405000\nP,J2,3459000,405100\n"
                    "P,J3,3459100,405100\n")
    with db.connect(module_db_url) as conn:
        with pytest.raises(BadRequest, match="p.csv: in CGCS2000 3-degree Gauss-Krüger, "
                                             "central meridian 114°E"):
            sources.read(path, filename="p.csv", park="JSCY", conn=conn)
        path.write_text(path.read_text().replace("3459", "3259"))
        incoming = sources.read(path, filename="p.csv", park="JSCY", conn=conn)
    assert incoming.crs_candidates[0].epsg == 4547


def test_the_distance_is_a_park_setting(conn):
    refused = pytest.raises(BadRequest, match="the park setting import.max_km_from_park is "
                                              '"far"; it must be a number of kilometres')
    with refused, transaction(conn):
        conn.execute("UPDATE parks SET settings = jsonb_set(settings, "
                     "'{import}', '{\"max_km_from_park\": \"far\"}') WHERE code = 'JSCY'")
    conn.execute("UPDATE parks SET settings = jsonb_set(settings, '{import}', "
                 "'{\"max_km_from_park\": 300}') WHERE code = 'JSCY'")
    park = crs_guess.park_place(conn, "JSCY")
    assert park.max_km == 300
    found = crs_guess.candidates(_incoming(38_405_000, 3_459_000), park, "a.dxf")
    assert found[0].epsg == GK38


def test_without_a_park_unprefixed_gk_asks_for_the_crs():
    incoming = _incoming(405_000, 3_259_000)
    assert crs_guess.candidates(incoming, None, "a.dxf") == []
    assert "without the zone prefix; without a park" in str(incoming.warnings[0])
