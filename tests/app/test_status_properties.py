"""Property-based checks of the land-status and readiness rules (hypothesis).

Each test owns one scenario plot (and one feature) in its database copy and rewrites
their columns for every example, so no example sees another's state. Expectations are
computed in Python: dates without dateutil (Feb 29 + 1 year = Feb 28, as PostgreSQL
does), distances with shapely in the GK plane.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import shapely
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.builders import Site, evaluate, line_wkt, point_wkt, square
from tests.expected import add_years, expected_flags, load_plot_facts

# deterministic examples (the same in CI every run), no example database in the repo
SETTINGS = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
LEAP_DAYS = [date(2020, 2, 29), date(2024, 2, 29), date(2028, 2, 29)]
NEAR_LEAP = [date(2023, 2, 28), date(2023, 3, 1), date(2024, 2, 28), date(2024, 3, 1),
             date(2025, 2, 28)]
agreed_starts = st.one_of(st.sampled_from(LEAP_DAYS + NEAR_LEAP),
                          st.dates(date(2019, 1, 1), date(2029, 12, 31)))
CLEARED = {c: None for c in (
    "approved_on", "requisitioned_on", "banked_on", "supplied_on", "agreed_start_on",
    "delivered_on", "started_on", "completed_on", "operating_on", "suspended_since",
    "government_cause", "government_cause_note", "disposal", "disposal_on", "disposal_note",
    "developed_area_m2", "planned_floor_area_m2", "actual_investment", "planned_investment")}


@pytest.fixture
def scenario(conn):
    """A site with triggers deferred (every example rewrites the rows it reads)."""
    conn.execute("SET parkatlas.defer_recompute = on")
    return Site(conn)


@pytest.fixture
def status_plot(scenario):
    return scenario, scenario.plot(planned_use="100101", land_price=600.0)


def test_add_years_clamps_leap_day_like_postgresql(conn):
    for d in [*LEAP_DAYS, *NEAR_LEAP, date(2024, 12, 31)]:
        for n in (1, 2, 4):
            pg = conn.execute("SELECT (%s::date + make_interval(years => %s))::date AS d",
                              [d, n]).fetchone()["d"]
            assert add_years(d, n) == pg


@SETTINGS
@given(t0=agreed_starts, lead=st.integers(0, 200), as_of_offset=st.integers(-150, 1000),
       start=st.one_of(st.none(), st.integers(-200, 900)))
def test_idle_a_iff_not_started_a_year_after_the_agreed_start(status_plot, t0, lead,
                                                             as_of_offset, start):
    site, plot = status_plot
    supplied = t0 - timedelta(days=lead)
    started = None if start is None else max(supplied, t0 + timedelta(days=start))
    as_of = t0 + timedelta(days=as_of_offset)
    site.update(plot, **{**CLEARED, "supplied_on": supplied, "agreed_start_on": t0,
                         "started_on": started})
    st_ = evaluate(site, plot, as_of)

    one = add_years(t0, 1)
    not_started = supplied <= as_of and (started is None or started > as_of)
    assert ("idle_a" in st_.flags) is (not_started and as_of >= one)
    assert ("idle" in st_.flags) is ("idle_a" in st_.flags)
    if "reclaim_due" in st_.flags:
        assert "idle_a" in st_.flags
        assert as_of >= add_years(t0, 2)
    warning_1y = "idle.warning_1y" in st_.rules
    assert warning_1y is (not_started and 0 < (one - as_of).days <= 90)
    assert not (warning_1y and "idle_a" in st_.flags)
    assert st_.row["details"]["idle"]["mark_1y"] == one.isoformat()


@SETTINGS
@given(t0=agreed_starts, as_of_offset=st.integers(300, 1100))
def test_reclaim_iff_two_years_and_implies_idle(status_plot, t0, as_of_offset):
    site, plot = status_plot
    as_of = t0 + timedelta(days=as_of_offset)
    site.update(plot, **{**CLEARED, "supplied_on": t0, "agreed_start_on": t0})
    flags = evaluate(site, plot, as_of).flags
    assert ("reclaim_due" in flags) is (as_of >= add_years(t0, 2))
    assert "reclaim_due" not in flags or {"idle", "idle_a", "idle_fee_due"} <= flags


@SETTINGS
@given(since=agreed_starts, as_of_offset=st.integers(300, 450),
       developed=st.integers(0, 6000), invested=st.integers(0, 1000),
       exempt=st.booleans(), disposed=st.sampled_from([None, -30, 0, 30]))
def test_idle_b_and_its_consequences_follow_the_rules(status_plot, since, as_of_offset,
                                                      developed, invested, exempt, disposed):
    site, plot = status_plot
    as_of = since + timedelta(days=as_of_offset)
    start = date(2018, 6, 1)
    site.update(plot, **{
        **CLEARED, "approved_on": start, "supplied_on": start, "agreed_start_on": start,
        "started_on": start, "suspended_since": since,
        "developed_area_m2": float(developed), "planned_floor_area_m2": 3000.0,
        "actual_investment": float(invested), "planned_investment": 1000.0,
        "government_cause": "force_majeure" if exempt else None,
        "government_cause_note": "洪水" if exempt else None,
        "disposal": "agreement" if disposed is not None else None,
        "disposal_on": as_of + timedelta(days=disposed) if disposed is not None else None})
    flags = evaluate(site, plot, as_of).flags
    # developed land over the plot's land area (DESIGN §4.9), in IEEE arithmetic like SQL
    low = developed / plot.area_m2 < 1 / 3 or invested * 4 < 1000
    idle_b = low and as_of >= add_years(since, 1)
    assert ("idle_b" in flags) is idle_b
    assert ("government_cause" in flags) is (idle_b and exempt)
    is_disposed = disposed is not None and disposed <= 0
    assert ("idle_fee_due" in flags) is (idle_b and not exempt and not is_disposed)
    assert ("idle_disposed" in flags) is (is_disposed and idle_b)  # only while idle
    assert "reclaim_due" not in flags


day_offsets = st.one_of(st.none(), st.integers(0, 400))


@settings(SETTINGS, max_examples=60)
@given(base=st.dates(date(2018, 1, 1), date(2026, 12, 31)),
       steps=st.lists(day_offsets, min_size=9, max_size=9),
       agreed_after=st.integers(0, 300), as_of_offset=st.integers(-120, 1000),
       exempt=st.booleans(), disposal=st.one_of(st.none(), st.integers(-400, 200)),
       numbers=st.lists(st.one_of(st.just(0.0), st.floats(1e-6, 4, allow_nan=False)),
                        min_size=6, max_size=6))
def test_flags_agree_with_the_python_reading_of_the_rules(status_plot, base, steps,
                                                          agreed_after, as_of_offset, exempt,
                                                          disposal, numbers):
    """Random lifecycle dates, idle and indicator numbers: the flags are what
    expected_flags() (DESIGN §4.2–4.3 in Python) says."""
    site, plot = status_plot
    a, mu = plot.area_m2, plot.mu
    cols = dict(CLEARED)
    day = base
    for event, step in zip(["approved_on", "requisitioned_on", "banked_on", "supplied_on",
                            "delivered_on", "started_on", "completed_on", "operating_on",
                            "suspended_since"], steps, strict=True):
        if step is not None:
            day = day + timedelta(days=step)
            cols[event] = day
    anchor = base
    if cols["supplied_on"] is not None:
        anchor = cols["agreed_start_on"] = cols["supplied_on"] + timedelta(days=agreed_after)
    if cols["started_on"] is None:  # suspension is of construction that began
        cols["suspended_since"] = None
    as_of = anchor + timedelta(days=as_of_offset)
    if exempt:
        cols["government_cause"], cols["government_cause_note"] = "late_delivery", "未交地"
    if disposal is not None:
        cols["disposal"], cols["disposal_on"] = "fee", as_of + timedelta(days=disposal)
    intensity, ratio, cover, admin, tax, dev = numbers
    cols.update({
        "actual_investment": 100.0 * intensity * mu, "planned_investment": 200.0 * 4 * mu,
        "floor_area_m2": ratio * a, "high_floor_area_m2": 0.0,
        "building_footprint_m2": cover / 5 * a, "structure_footprint_m2": 0.0,
        "open_storage_m2": 0.0, "admin_living_area_m2": admin / 20 * a,
        "annual_tax": 10.0 * tax * mu, "developed_area_m2": dev * 1000.0,
        "planned_floor_area_m2": 4000.0})
    site.update(plot, **cols)
    p, projects, admitted = load_plot_facts(site.conn, plot.id)
    assert set(evaluate(site, plot, as_of).flags) == expected_flags(p, projects, admitted,
                                                                    as_of)


# ---------------------------------------------------------------------------------------
# Readiness distances
# ---------------------------------------------------------------------------------------

@pytest.fixture
def road_case(scenario):
    plot = scenario.plot()
    road = scenario.road(plot.south(500.0))
    return scenario, plot, road


@SETTINGS
@given(d=st.floats(0.001, 80.0, allow_nan=False),
       side=st.sampled_from(["north", "east", "south", "west"]))
def test_road_available_iff_within_30_m(road_case, d, side):
    assume(abs(d - 30.0) > 1e-6)  # closer than that, the stored coordinates' last bits decide
    site, plot, road = road_case
    site.conn.execute("UPDATE roads SET geom = ST_GeomFromText(%s, 4490) WHERE id = %s",
                      [line_wkt(plot.side(side, d)), road])
    u = site.conn.execute("SELECT utilities -> 'road' AS u FROM evaluate_readiness(%s, %s,"
                          " %s::int[])", [site.park, date(2026, 11, 22), [plot.id]]
                          ).fetchone()["u"]
    assert (u["state"] == "available") is (d <= 30.0)
    if d > 30.0:
        assert u["state"] == "missing"
        assert u["distance_m"] == pytest.approx(d, abs=1e-3)


@pytest.fixture
def facility_case(scenario):
    plot = scenario.plot()
    fid = scenario.network("power", (plot.x0 - 500.0, plot.y0))
    return scenario, plot, fid


@SETTINGS
@given(dx=st.floats(-150.0, 250.0, allow_nan=False),
       dy=st.floats(-150.0, 250.0, allow_nan=False))
def test_facility_availability_matches_shapely_distance(facility_case, dx, dy):
    site, plot, fid = facility_case
    x, y = plot.x0 + dx, plot.y0 + dy
    expected = shapely.Polygon(square(plot.x0, plot.y0, plot.size)).distance(
        shapely.Point(x, y))
    assume(abs(expected - 50.0) > 1e-6)
    site.conn.execute("UPDATE networks SET geom = ST_GeomFromText(%s, 4490) WHERE id = %s",
                      [point_wkt((x, y)), fid])
    u = site.conn.execute("SELECT utilities -> 'power' AS u FROM evaluate_readiness(%s, %s,"
                          " %s::int[])", [site.park, date(2026, 11, 22), [plot.id]]
                          ).fetchone()["u"]
    assert (u["state"] == "available") is (expected <= 50.0)
    if expected > 50.0:
        assert u["distance_m"] == pytest.approx(expected, abs=1e-3)
