"""Constraints: bad geometry, wrong SRID, coordinates outside China and lifecycle dates out
of order are refused with a message naming the problem, and nothing is written."""

import re
from pathlib import Path

import psycopg
import pytest

from app.db import transaction
from app.errors import BadRequest

# South of the demo park's plots (the overlap rule refuses a plot over another), within its reach.
SQUARE = "POLYGON((113.0 29.42, 113.002 29.42, 113.002 29.422, 113.0 29.422, 113.0 29.42))"
BOWTIE = "POLYGON((113.0 29.42, 113.002 29.422, 113.002 29.42, 113.0 29.422, 113.0 29.42))"
SWAPPED = "POLYGON((29.42 113.0, 29.42 113.002, 29.422 113.002, 29.422 113.0, 29.42 113.0))"


@pytest.fixture
def park_id(conn):
    return conn.execute("SELECT min(id) AS id FROM parks").fetchone()["id"]


def _count(conn, table="plots") -> int:
    return conn.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"]


def _insert_plot(conn, park_id, wkt, srid=4490, code="T-01-01", **dates):
    cols = ", ".join(["park_id", "code", "geom", *dates])
    marks = ", ".join(["%s", "%s", "ST_Multi(ST_GeomFromText(%s, %s))", *["%s"] * len(dates)])
    with transaction(conn):
        conn.execute(f"INSERT INTO plots ({cols}) VALUES ({marks})",
                     [park_id, code, wkt, srid, *dates.values()])


@pytest.mark.parametrize(("wkt", "srid", "message"), [
    (BOWTIE, 4490, "plot T-01-01: invalid geometry: Self-intersection"),
    (SQUARE, 4326, "Geometry SRID (4326) does not match column SRID (4490)"),
    (SWAPPED, 4490, "plot T-01-01: coordinates outside China"),
    ("POLYGON EMPTY", 4490, "plot T-01-01: geometry is empty"),
])
def test_bad_geometry_is_refused_and_nothing_written(conn, park_id, wkt, srid, message):
    before = _count(conn)
    with pytest.raises(BadRequest) as caught:
        _insert_plot(conn, park_id, wkt, srid)
    assert message in caught.value.message
    assert _count(conn) == before


def test_swapped_coordinates_hint_at_longitude_latitude(conn, park_id):
    with pytest.raises(BadRequest, match="longitude, latitude"):
        _insert_plot(conn, park_id, SWAPPED)


@pytest.mark.parametrize(("dates", "message"), [
    ({"approved_on": "2020-05-01", "supplied_on": "2020-04-30"},
     "plot T-01-01, field supplied_on: the date of Supply contract (2020-04-30) is earlier "
     "than the date of Approval (conversion/requisition) (2020-05-01)"),
    ({"supplied_on": "2021-01-01", "started_on": "2022-01-01", "completed_on": "2021-12-31"},
     "field completed_on: the date of Completed (2021-12-31) is earlier than the date of "
     "Start of construction (2022-01-01)"),
    ({"supplied_on": "2021-01-10", "agreed_start_on": "2021-01-09"},
     "the agreed start date (2021-01-09) is earlier than the supply date (2021-01-10)"),
    ({"agreed_start_on": "2021-01-09"}, "needs a supply date"),
])
def test_lifecycle_dates_out_of_order_are_refused(conn, park_id, dates, message):
    before = _count(conn)
    with pytest.raises(BadRequest) as caught:
        _insert_plot(conn, park_id, SQUARE, **dates)
    assert message in caught.value.message
    assert _count(conn) == before


def test_dates_in_order_with_gaps_are_accepted(conn, park_id):
    _insert_plot(conn, park_id, SQUARE, approved_on="2020-01-01", supplied_on="2020-01-01",
                 agreed_start_on="2020-07-01", started_on="2020-08-01")
    row = conn.execute("SELECT plot_stage(p) AS stage, plot_stage(p, '2020-03-01') AS earlier "
                       "FROM plots p WHERE code = 'T-01-01'").fetchone()
    assert row == {"stage": "under_construction", "earlier": "supplied"}


def test_update_out_of_order_keeps_the_old_row(conn):
    plot = conn.execute("""SELECT id, version, supplied_on FROM plots
                           WHERE supplied_on IS NOT NULL AND approved_on IS NOT NULL
                           LIMIT 1""").fetchone()
    with pytest.raises(BadRequest, match="is earlier than"), transaction(conn):
        conn.execute("UPDATE plots SET approved_on = supplied_on + 1 WHERE id = %s",
                     [plot["id"]])
    after = conn.execute("SELECT version, supplied_on FROM plots WHERE id = %s",
                         [plot["id"]]).fetchone()
    assert after == {"version": plot["version"], "supplied_on": plot["supplied_on"]}


def test_state_land_is_not_requisitioned(conn, park_id):
    with pytest.raises(BadRequest, match="state-owned land is not requisitioned"), \
            transaction(conn):
        conn.execute("""INSERT INTO plots (park_id, code, owner_type, requisitioned_on, geom)
                        VALUES (%s, 'T-09', 'state', '2020-01-01',
                                ST_Multi(ST_GeomFromText(%s, 4490)))""", [park_id, SQUARE])


def test_plot_code_unique_within_park(conn, park_id):
    code = conn.execute("SELECT code FROM plots LIMIT 1").fetchone()["code"]
    with pytest.raises(psycopg.errors.UniqueViolation):
        conn.execute("INSERT INTO plots (park_id, code, geom) VALUES "
                     "(%s, %s, ST_Multi(ST_GeomFromText(%s, 4490)))", [park_id, code, SQUARE])


def test_gk_copy_follows_geometry_edits(conn):
    plot = conn.execute("SELECT id, area_m2 FROM plots ORDER BY id LIMIT 1").fetchone()
    conn.execute("UPDATE plots SET geom = ST_Multi(ST_GeomFromText(%s, 4490)) WHERE id = %s",
                 [SQUARE, plot["id"]])
    row = conn.execute("SELECT area_m2, ST_SRID(geom_gk) AS srid FROM plots WHERE id = %s",
                       [plot["id"]]).fetchone()
    assert row["srid"] == 4526  # CGCS2000 GK zone 38 with the zone prefix
    assert row["area_m2"] != plot["area_m2"]
    assert 40_000 < row["area_m2"] < 45_000  # 0.002° × 0.002° near 29.42°N


def test_settings_hold_every_design_threshold(conn, park_id):
    s = conn.execute("SELECT park_settings(%s) AS s", [park_id]).fetchone()["s"]
    assert s["idle"]["idle_after_years"] == 1 and s["idle"]["reclaim_after_years"] == 2
    assert s["idle"]["warning_days"] == 90 and s["idle"]["idle_fee_share"] == 0.2
    assert float(s["idle"]["developed_share_min"]) == pytest.approx(1 / 3)
    assert s["idle"]["investment_share_min"] == 0.25
    assert s["low_efficiency"]["investment_intensity_min"] == 200
    assert s["low_efficiency"]["tax_per_mu_min"] == 15
    assert s["low_efficiency"]["building_coefficient_min"] == 0.3
    assert s["low_efficiency"]["admin_living_share_max"] == 0.07
    assert s["low_efficiency"]["plot_ratio_min"]["25"] == 0.5
    assert s["low_efficiency"]["plot_ratio_min"]["39"] == 0.7
    assert s["readiness"]["service_distance_m"] == {
        "road": 30, "water": 50, "drainage": 50, "power": 50, "telecom": 50, "gas": 50,
        "heat": 50}
    assert s["projects"]["behind_schedule_points"] == 10


def test_settings_override_one_nested_key(conn, park_id):
    conn.execute("""UPDATE parks SET settings = jsonb_set(settings, '{idle,warning_days}', '60')
                    WHERE id = %s""", [park_id])
    s = conn.execute("SELECT park_settings(%s) AS s", [park_id]).fetchone()["s"]
    assert s["idle"]["warning_days"] == 60
    assert s["idle"]["reclaim_after_years"] == 2


def test_units_are_one_inlined_sql_function_each(conn):
    """亩 and 公顷 from m² are written once (sql/source/00_units.sql) and cost no call."""
    row = conn.execute("SELECT m2_to_mu(10000.0 / 15) AS mu, m2_to_ha(25000) AS ha").fetchone()
    assert row["mu"] == pytest.approx(1.0, abs=1e-12) and row["ha"] == 2.5
    plan = conn.execute("EXPLAIN (VERBOSE, FORMAT JSON) SELECT m2_to_mu(area_m2), m2_to_ha(area_m2)"
                        " FROM plots").fetchone()
    output = " ".join(plan["QUERY PLAN"][0]["Plan"]["Output"])
    assert "m2_to" not in output and "'15'::double precision" in output
    root = Path(__file__).resolve().parents[2] / "sql"
    written = [f"{p.relative_to(root)}:{n}" for p in sorted(root.rglob("*.sql"))
               if p.name != "00_units.sql"
               for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
               if re.search(r"\*\s*15\s*/\s*10000|/\s*10000\b", line)]
    assert written == []
