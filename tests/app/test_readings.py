"""DESIGN §4.9 Location: a plot, road or network feature lies within the park's reach
(setting location.reach_m, default 20 km) of one of the park's zones."""

import pytest

from app.db import transaction
from app.errors import BadRequest
from tests.builders import ORIGIN, Site, polygon_wkt, square

# a park of its own with one zone, the 5 km square Site.zone() draws from ORIGIN - 500 m
ZONE_EAST = ORIGIN[0] + 4_500.0


@pytest.fixture
def far(conn) -> Site:
    park = conn.execute("INSERT INTO parks (code, name, gk_zone) VALUES ('FAR', '远郊园区', 38)"
                        " RETURNING id").fetchone()["id"]
    site = Site(conn, park)
    site.zone([])
    return site


def _plot(site: Site, gap_m: float, code: str = "F-1"):
    """A 100 m square plot `gap_m` east of the zone."""
    with transaction(site.conn):
        return site.plot(at=(ZONE_EAST + gap_m, ORIGIN[1]), code=code)


@pytest.mark.parametrize(("gap_m", "accepted"), [
    (19_999.9, True), (20_000.1, False), (150_000.0, False)])
def test_a_plot_must_lie_within_the_reach_of_the_park_zones(far, gap_m, accepted):
    if accepted:
        assert _plot(far, gap_m).area_m2 == pytest.approx(10_000, abs=0.01)
        return
    before = far.conn.execute("SELECT count(*) AS n FROM plots").fetchone()["n"]
    with pytest.raises(BadRequest) as caught:
        _plot(far, gap_m, code="F-9")
    message = caught.value.message
    assert message.startswith("plot F-9, field geometry: outside the park's reach: ")
    assert f"{round(gap_m / 1000, 1)} km from the nearest zone of its park (reach 20.0 km)" \
        in message
    assert caught.value.code == "invalid_input"
    assert "location.reach_m" in message
    assert far.conn.execute("SELECT count(*) AS n FROM plots").fetchone()["n"] == before


def test_roads_and_networks_are_held_to_the_reach_too(far):
    x = ZONE_EAST + 25_000.0
    line = [(x, ORIGIN[1]), (x + 100.0, ORIGIN[1])]
    for build in (lambda: far.road(line, name="远路"), lambda: far.network("water", line)):
        with pytest.raises(BadRequest, match="outside the park's reach"), transaction(far.conn):
            build()


def test_the_reach_is_a_park_setting(far):
    far.conn.execute("""UPDATE parks SET settings = settings || '{"location": {"reach_m": 30000}}'
                        WHERE id = %s""", [far.park])
    assert _plot(far, 29_000.0)
    with pytest.raises(BadRequest, match=r"\(reach 30.0 km\)"):
        _plot(far, 31_000.0, code="F-2")


def test_a_park_without_zones_has_no_reach_to_check(conn):
    park = conn.execute("INSERT INTO parks (code, name, gk_zone) VALUES ('NOZ', '无分区', 38)"
                        " RETURNING id").fetchone()["id"]
    wkt = polygon_wkt(square(ZONE_EAST + 90_000.0, ORIGIN[1], 100.0))
    row = conn.execute("INSERT INTO plots (park_id, code, geom)"
                       " VALUES (%s, 'N-1', ST_GeomFromText(%s, 4490)) RETURNING area_m2",
                       [park, wkt]).fetchone()
    assert row["area_m2"] == pytest.approx(10_000, abs=0.01)


def test_reach_and_use_groups_default_to_design(conn):
    """DESIGN §4.9: 20 km; manufacturing 13–43 and logistics 59–60 → 1001xx/1101xx;
    51–52, 61–62, 66–75 → commercial 09xx; other industries have no use rule."""
    s = conn.execute("SELECT park_settings(min(id)) AS s FROM parks").fetchone()["s"]
    assert s["location"]["reach_m"] == 20_000
    needs: dict[str, list[str]] = {}
    for group in s["conflicts"]["industry_uses"].values():
        for division in group["industries"]:
            assert division not in needs, f"{division} is in two groups"
            needs[division] = group["uses"]
    industrial = [str(d) for d in range(13, 44)] + ["59", "60"]
    commercial = ["51", "52", "61", "62"] + [str(d) for d in range(66, 76)]
    assert needs == {**dict.fromkeys(industrial, ["1001", "1101"]),
                     **dict.fromkeys(commercial, ["09"])}
