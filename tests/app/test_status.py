"""Rule edges of the land-status engine (DESIGN §4.1–4.4; sql/source/08_status.sql).

Every scenario builds its own plots in the demo park, 100 m × 100 m squares drawn in the
park's Gauss-Krüger CRS (EPSG:4526, zone 38 with prefix) about 5 km east of every demo
feature, and asks evaluate_status() about them as of chosen dates. Expectations come from
DESIGN's words and from an independent Python reading of the rules (`expected_flags`),
never from the SQL. Thresholds are the DESIGN defaults, written out here on purpose.
"""

from __future__ import annotations

import math
import re
from datetime import date, timedelta

import psycopg
import pytest

from tests.builders import DEMO_TODAY, Plot, Site, Status, evaluate
from tests.expected import (
    ADMIN_SHARE_MAX,
    COEFFICIENT_MIN,
    DEVELOPED_SHARE_MIN,
    IDLE_FEE_SHARE,
    INTENSITY_MIN,
    TAX_PER_MU_MIN,
    WARNING_DAYS,
    add_years,
    expected_flags,
    expected_stage,
    load_plot_facts,
    low_efficiency_failures,
    ratio_minimum,
)

ALL_FLAGS = {"idle", "idle_a", "idle_b", "government_cause", "idle_fee_due", "reclaim_due",
             "idle_warning", "idle_disposed", "approved_not_supplied", "supplied_not_used",
             "low_efficiency", "zoning_conflict", "use_conflict", "double_claim"}
RULE_FLAG = {
    "idle.type_a": "idle_a", "idle.type_b": "idle_b", "idle.government_cause": "government_cause",
    "idle.fee_due": "idle_fee_due", "idle.reclaim_due": "reclaim_due",
    "idle.warning_1y": "idle_warning", "idle.warning_2y": "idle_warning",
    "idle.disposed": "idle_disposed", "land.approved_not_supplied": "approved_not_supplied",
    "land.supplied_not_used": "supplied_not_used",
    "low_efficiency.investment_intensity": "low_efficiency",
    "low_efficiency.plot_ratio": "low_efficiency",
    "low_efficiency.building_coefficient": "low_efficiency",
    "low_efficiency.admin_living_share": "low_efficiency",
    "low_efficiency.tax_per_mu": "low_efficiency",
    "conflict.zoning": "zoning_conflict", "conflict.use": "use_conflict",
    "conflict.double_claim": "double_claim",
}
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def site(conn) -> Site:
    return Site(conn)


def exact_input(target: float, fn, guess: float) -> float:
    """A double x next to `guess` for which fn(x) == target exactly in IEEE arithmetic
    (PostgreSQL's float8 arithmetic is the same), so a boundary is hit on the dot."""
    for k in range(64):
        for sign in (1, -1):
            x = guess
            for _ in range(k):
                x = math.nextafter(x, sign * math.inf)
            if fn(x) == target:
                return x
    raise AssertionError(f"no double near {guess} gives exactly {target}")


def unstarted(t0: date, **extra) -> dict:
    """A supplied plot with agreed start t0 that has not started (idle type A candidate)."""
    return {"planned_use": "100101", "approved_on": t0 - timedelta(days=400),
            "supplied_on": t0 - timedelta(days=90), "agreed_start_on": t0,
            "land_price": 500.0, **extra}


def stalled(since: date, developed: float, planned_floor: float, invested: float,
            planned_investment: float, **extra) -> dict:
    """A started plot whose construction stopped on `since` (idle type B candidate)."""
    return {"planned_use": "100101", "approved_on": date(2021, 1, 4),
            "supplied_on": date(2021, 6, 1), "agreed_start_on": date(2021, 9, 1),
            "started_on": date(2021, 10, 8), "suspended_since": since,
            "developed_area_m2": developed, "planned_floor_area_m2": planned_floor,
            "actual_investment": invested, "planned_investment": planned_investment,
            "land_price": 800.0, **extra}


# ---------------------------------------------------------------------------------------
# ---------------------------------------------------------------------------------------
# §4.1 stage
# ---------------------------------------------------------------------------------------

LIFECYCLE = {"approved_on": date(2020, 1, 6), "requisitioned_on": date(2020, 3, 2),
             "banked_on": date(2020, 5, 11), "supplied_on": date(2020, 7, 1),
             "agreed_start_on": date(2020, 9, 1), "delivered_on": date(2020, 8, 3),
             "started_on": date(2020, 10, 12), "completed_on": date(2021, 10, 29),
             "operating_on": date(2022, 1, 5)}


@pytest.mark.parametrize(("as_of", "stage"), [
    (date(2020, 1, 5), "planned"), (date(2020, 1, 6), "approved"),
    (date(2020, 3, 2), "requisitioned"), (date(2020, 6, 30), "banked"),
    (date(2020, 7, 1), "supplied"), (date(2020, 8, 3), "delivered"),
    (date(2020, 10, 11), "delivered"), (date(2020, 10, 12), "under_construction"),
    (date(2021, 10, 29), "completed"), (date(2022, 1, 4), "completed"),
    (date(2022, 1, 5), "operating")])
def test_stage_is_the_last_event_on_or_before_the_date(site, as_of, stage):
    plot = site.plot(planned_use="100101", **LIFECYCLE)
    assert evaluate(site, plot, as_of).row["stage"] == stage == expected_stage(LIFECYCLE, as_of)


@pytest.mark.parametrize("as_of", [date(2019, 12, 31), date(2023, 6, 30), DEMO_TODAY,
                                   date(2030, 1, 1)])
def test_evaluate_status_derives_the_stage_like_plot_stage(conn, as_of):
    """evaluate_status spells plot_stage() out for speed: both agree on every demo plot."""
    park = conn.execute("SELECT id FROM parks WHERE code = 'JSCY'").fetchone()["id"]
    rows = conn.execute(
        "SELECT e.stage, plot_stage(p, %s) AS by_events FROM evaluate_status(%s, %s) e"
        " JOIN plots p ON p.id = e.plot_id", [as_of, park, as_of]).fetchall()
    assert len(rows) == 400
    assert all(r["stage"] == r["by_events"] for r in rows)
    assert len({r["stage"] for r in rows}) == 9  # every stage occurs on each of these dates


# ---------------------------------------------------------------------------------------
# §4.2 idle type A, reclaim, early warning
# ---------------------------------------------------------------------------------------

T0 = date(2024, 5, 10)  # agreed start: 1-year mark 2025-05-10, 2-year mark 2026-05-10


def test_idle_a_exactly_one_year_after_agreed_start(site):
    plot = site.plot(**unstarted(T0))
    st = evaluate(site, plot, date(2025, 5, 10))
    assert {"idle", "idle_a", "idle_fee_due", "supplied_not_used"} <= st.flags
    assert not st.flags & {"idle_warning", "reclaim_due", "idle_b"}
    r = st.reason("idle.type_a")
    assert r["values"] == {"agreed_start_on": "2024-05-10", "idle_since": "2025-05-10",
                           "days_idle": 0}
    for text in (r["zh"], r["en"]):
        assert "2024-05-10" in text and "2025-05-10" in text


def test_not_idle_one_day_before_the_year_is_up(site):
    plot = site.plot(**unstarted(T0))
    st = evaluate(site, plot, date(2025, 5, 9))
    assert not st.flags & {"idle", "idle_a", "idle_fee_due"}
    assert st.reason("idle.warning_1y")["values"] == {"mark": "2025-05-10", "days_left": 1}


@pytest.mark.parametrize(("as_of", "idle", "reclaim", "warning", "days_left"), [
    (date(2025, 2, 27), False, False, "idle.warning_1y", 1),
    (date(2025, 2, 28), True, False, None, None),
    (date(2025, 3, 1), True, False, None, None),
    (date(2026, 2, 27), True, False, "idle.warning_2y", 1),
    (date(2026, 2, 28), True, True, None, None),
])
def test_leap_day_agreed_start_counts_years_like_postgresql(site, as_of, idle, reclaim,
                                                            warning, days_left):
    """Agreed start 2024-02-29: + 1 year is 2025-02-28, + 2 years 2026-02-28."""
    t0 = date(2024, 2, 29)
    assert add_years(t0, 1) == date(2025, 2, 28) and add_years(t0, 2) == date(2026, 2, 28)
    plot = site.plot(**unstarted(t0))
    st = evaluate(site, plot, as_of)
    assert ("idle_a" in st.flags) is idle
    assert ("reclaim_due" in st.flags) is reclaim
    assert ("idle_warning" in st.flags) is (warning is not None)
    assert st.row["details"]["idle"]["mark_1y"] == "2025-02-28"
    assert st.row["details"]["idle"]["mark_2y"] == "2026-02-28"
    if idle:
        assert st.reason("idle.type_a")["values"]["idle_since"] == "2025-02-28"
    if reclaim:
        assert st.reason("idle.reclaim_due")["values"]["reclaim_from"] == "2026-02-28"
    if warning:
        assert st.reason(warning)["values"]["days_left"] == days_left


@pytest.mark.parametrize(("started_on", "as_of", "idle"), [
    (date(2025, 5, 9), date(2025, 5, 10), False),   # started just in time
    (date(2025, 6, 2), date(2025, 5, 10), True),    # starts later: idle as of the mark
    (date(2025, 6, 2), date(2025, 6, 2), False),    # ... and no longer once started
])
def test_idle_a_looks_at_the_start_as_of_the_date(site, started_on, as_of, idle):
    plot = site.plot(**unstarted(T0, started_on=started_on))
    st = evaluate(site, plot, as_of)
    assert ("idle_a" in st.flags) is idle
    assert ("supplied_not_used" in st.flags) is (as_of < started_on)


def test_no_agreed_start_no_idle_a(site):
    plot = site.plot(planned_use="100101", approved_on=date(2020, 2, 3),
                     supplied_on=date(2020, 6, 1))
    st = evaluate(site, plot, date(2026, 6, 1))
    assert not st.flags & {"idle", "idle_a", "idle_fee_due", "reclaim_due", "idle_warning"}
    assert "supplied_not_used" in st.flags


def test_reclaim_due_exactly_two_years_after_agreed_start(site):
    plot = site.plot(**unstarted(T0))
    st = evaluate(site, plot, date(2026, 5, 10))
    assert {"idle", "idle_a", "idle_fee_due", "reclaim_due"} <= st.flags
    assert "idle_warning" not in st.flags
    r = st.reason("idle.reclaim_due")
    assert r["values"] == {"agreed_start_on": "2024-05-10", "reclaim_from": "2026-05-10"}
    for text in (r["zh"], r["en"]):
        assert "2024-05-10" in text and "2026-05-10" in text


def test_no_reclaim_one_day_before_two_years(site):
    plot = site.plot(**unstarted(T0))
    st = evaluate(site, plot, date(2026, 5, 9))
    assert {"idle", "idle_a", "idle_fee_due", "idle_warning"} <= st.flags
    assert "reclaim_due" not in st.flags
    assert st.reason("idle.warning_2y")["values"] == {"mark": "2026-05-10", "days_left": 1}
    assert st.reason("idle.type_a")["values"]["days_idle"] == 364


@pytest.mark.parametrize(("days_left", "warning", "idle"), [
    (91, False, False), (90, True, False), (89, True, False), (1, True, False),
    (0, False, True), (-1, False, True)])
def test_early_warning_before_the_one_year_mark(site, days_left, warning, idle):
    plot = site.plot(**unstarted(T0))
    mark = date(2025, 5, 10)
    st = evaluate(site, plot, mark - timedelta(days=days_left))
    assert ("idle_warning" in st.flags) is warning
    assert ("idle_a" in st.flags) is idle
    assert not ({"idle_warning", "idle_a"} <= st.flags), "warning and idle are exclusive"
    if warning:
        r = st.reason("idle.warning_1y")
        assert r["values"] == {"mark": "2025-05-10", "days_left": days_left}
        assert "2025-05-10" in r["zh"] and f"{days_left} 天" in r["zh"]
        assert "2025-05-10" in r["en"] and f"{days_left} days" in r["en"]
    else:
        assert "idle.warning_1y" not in st.rules


@pytest.mark.parametrize(("days_left", "warning", "reclaim"), [
    (91, False, False), (90, True, False), (1, True, False), (0, False, True)])
def test_early_warning_before_the_two_year_mark(site, days_left, warning, reclaim):
    plot = site.plot(**unstarted(T0))
    st = evaluate(site, plot, date(2026, 5, 10) - timedelta(days=days_left))
    assert "idle_a" in st.flags  # long past the first year
    assert ("idle_warning" in st.flags) is warning
    assert ("reclaim_due" in st.flags) is reclaim
    assert "idle.warning_1y" not in st.rules
    if warning:
        r = st.reason("idle.warning_2y")
        assert r["values"] == {"mark": "2026-05-10", "days_left": days_left}
        assert "2026-05-10" in r["zh"] and "2026-05-10" in r["en"]


def test_warning_days_is_a_park_setting(site):
    site.conn.execute("UPDATE parks SET settings = jsonb_set(settings, '{idle,warning_days}',"
                      " '30') WHERE id = %s", [site.park])
    plot = site.plot(**unstarted(T0))
    assert "idle_warning" not in evaluate(site, plot, date(2025, 4, 9)).flags  # 31 days
    assert "idle_warning" in evaluate(site, plot, date(2025, 4, 10)).flags  # 30 days


@pytest.mark.parametrize(("events", "stage", "contradicted"), [
    ({"completed_on": date(2022, 12, 30)}, "completed",
     {"idle", "idle_a", "reclaim_due", "idle_fee_due", "supplied_not_used"}),
    ({"completed_on": date(2022, 12, 30), "operating_on": date(2023, 3, 1)}, "operating",
     {"idle", "idle_a", "reclaim_due", "idle_fee_due", "supplied_not_used"}),
])
def test_a_plot_past_construction_is_never_reported_not_started(site, events, stage,
                                                                 contradicted):
    """The stage is the last event that happened (DESIGN §4.1), so a completed plot has
    started even when its start date was never recorded; reporting it idle for not
    starting, reclaim due and supplied-but-unused contradicts its own stage. Refusing
    such a row as bad input would resolve it too."""
    try:
        plot = site.plot(planned_use="100101", approved_on=date(2021, 1, 4),
                         supplied_on=date(2021, 6, 1), agreed_start_on=date(2021, 9, 1),
                         **events)
    except psycopg.errors.IntegrityError:
        return  # the gap in the lifecycle is refused as bad input: consistent too
    st = evaluate(site, plot, date(2024, 6, 3))
    assert st.row["stage"] == stage
    assert not st.flags & contradicted, f"stage {stage} but flags {sorted(st.flags)}"


@pytest.mark.parametrize("rule", ["land.supplied_not_used", "land.approved_not_supplied"])
def test_land_reasons_state_an_age_even_without_a_supply_date(site, rule):
    """Delivered (交地) with no supply date recorded: the plot counts as supplied (its stage
    is 'delivered'), so any land reason it gets must still state a date and an age in
    days, not blanks ("supplied ,  days"). Refusing the gap as bad input is a fix too."""
    try:
        plot = site.plot(planned_use="100101", approved_on=date(2021, 1, 4),
                         delivered_on=date(2021, 6, 1))
    except psycopg.errors.IntegrityError:
        return
    st = evaluate(site, plot, date(2024, 6, 3))
    assert st.row["stage"] == "delivered"
    assert "approved_not_supplied" not in st.flags
    for r in st.row["reasons"]:
        if r["rule"] == rule:
            assert isinstance(r["values"]["days"], int), r
            assert f"{r['values']['days']} days" in r["en"], r
            assert not re.search(r" ,|  ", r["en"]), r


# ---------------------------------------------------------------------------------------
# §4.2 idle type B
# ---------------------------------------------------------------------------------------

AFTER_A_YEAR = date(2025, 6, 2)  # well over a year after a 2024-03-01 suspension


@pytest.mark.parametrize(("offset", "idle"), [
    (0.0, False),      # exactly 1/3 of the plot's land area: not below it
    (-0.01, True),     # just under
    (0.01, False),     # just over
])
def test_idle_b_developed_share_is_land_area_over_the_plot_area(site, offset, idle):
    """DESIGN §4.9: developed land area over the plot's GK area, not over floor area."""
    # a planned floor area far above the land area plays no part
    plot = site.plot(**stalled(date(2024, 3, 1), 0.0, 90_000.0, 500.0, 1000.0))
    a = plot.area_m2
    third = exact_input(DEVELOPED_SHARE_MIN, lambda x: x / a, a / 3)
    site.update(plot, developed_area_m2=third + offset)
    st = evaluate(site, plot, AFTER_A_YEAR)
    assert ("idle_b" in st.flags) is idle
    assert ("idle" in st.flags) is idle
    if idle:
        r = st.reason("idle.type_b")
        assert r["values"]["developed_share"] == pytest.approx((third + offset) / a)
        assert r["values"]["investment_share"] == pytest.approx(0.5)
        assert r["values"]["suspended_since"] == "2024-03-01"
        assert "33.3" in r["zh"] and "2024-03-01" in r["zh"]
        assert "33.3" in r["en"] and "2024-03-01" in r["en"]


@pytest.mark.parametrize(("invested", "planned", "idle"), [
    (250.0, 1000.0, False),      # exactly 25%: not below it
    (249.99, 1000.0, True),      # just under
])
def test_idle_b_investment_share_edge(site, invested, planned, idle):
    plot = site.plot(**stalled(date(2024, 3, 1), 5000.0, 3000.0, invested, planned))
    st = evaluate(site, plot, AFTER_A_YEAR)
    assert ("idle_b" in st.flags) is idle
    if idle:
        r = st.reason("idle.type_b")
        assert r["values"]["investment_share"] == pytest.approx(invested / planned)
        assert "25.0" in r["zh"] and "25.0" in r["en"]


@pytest.mark.parametrize(("since", "as_of", "idle"), [
    (date(2024, 3, 1), date(2025, 3, 1), True),     # suspended exactly one year
    (date(2024, 3, 1), date(2025, 2, 28), False),   # one day short
    (date(2024, 2, 29), date(2025, 2, 28), True),   # leap day + 1 year = Feb 28
    (date(2024, 2, 29), date(2025, 2, 27), False),
])
def test_idle_b_needs_a_full_year_of_suspension(site, since, as_of, idle):
    plot = site.plot(**stalled(since, 500.0, 3000.0, 100.0, 1000.0))
    st = evaluate(site, plot, as_of)
    assert ("idle_b" in st.flags) is idle
    assert ("idle_fee_due" in st.flags) is idle


@pytest.mark.parametrize(("events", "idle"), [
    ({}, True),                                                   # under construction
    ({"completed_on": date(2025, 6, 3)}, True),                   # completed the day after
    ({"completed_on": date(2025, 6, 2)}, False),                  # completed that day
    ({"completed_on": date(2024, 1, 8), "operating_on": date(2024, 5, 6)}, False),
])
def test_idle_b_only_while_under_construction(site, events, idle):
    """A completed or operating plot is never idle, whatever its suspension record says."""
    plot = site.plot(**stalled(date(2023, 1, 2), 100.0, 3000.0, 10.0, 1000.0, **events))
    st = evaluate(site, plot, date(2025, 6, 2))
    assert ("idle_b" in st.flags) is idle
    assert bool(st.flags & {"idle", "idle_fee_due"}) is idle


def test_idle_b_needs_low_development_or_investment(site):
    plot = site.plot(**stalled(date(2023, 1, 2), 5000.0, 3000.0, 600.0, 1000.0))
    assert not evaluate(site, plot, AFTER_A_YEAR).flags & {"idle", "idle_b"}


def test_idle_b_is_no_reclaim(site):
    """Reclaim free of charge is for land not started at all (DESIGN §4.2)."""
    plot = site.plot(**stalled(date(2022, 1, 3), 100.0, 3000.0, 10.0, 1000.0))
    st = evaluate(site, plot, date(2025, 6, 2))
    assert {"idle", "idle_b", "idle_fee_due"} <= st.flags
    assert "reclaim_due" not in st.flags and "idle_a" not in st.flags


# ---------------------------------------------------------------------------------------
# §4.2 fee, government cause, disposal
# ---------------------------------------------------------------------------------------

def test_idle_fee_is_twenty_percent_of_the_land_price(site):
    plot = site.plot(**unstarted(T0, land_price=1234.5))
    r = evaluate(site, plot, date(2025, 8, 1)).reason("idle.fee_due")
    assert r["values"]["land_price"] == 1234.5
    assert r["values"]["fee_share"] == pytest.approx(IDLE_FEE_SHARE)
    assert r["values"]["fee"] == pytest.approx(1234.5 * IDLE_FEE_SHARE)
    for text in (r["zh"], r["en"]):
        assert "1234.50" in text and "246.90" in text and "20%" in text


@pytest.mark.parametrize("cause", [None, "late_delivery", "force_majeure"])
def test_government_cause_exempts_from_fee_and_reclaim(site, cause):
    note = "征地拆迁未完成，未按约定交地" if cause else None
    plot = site.plot(**unstarted(date(2023, 3, 1), government_cause=cause,
                                 government_cause_note=note))
    st = evaluate(site, plot, date(2025, 6, 2))  # past both marks
    assert {"idle", "idle_a"} <= st.flags
    if cause:
        assert "government_cause" in st.flags
        assert not st.flags & {"idle_fee_due", "reclaim_due"}
        r = st.reason("idle.government_cause")
        assert r["values"] == {"cause": cause, "note": note}
        assert note in r["zh"] and note in r["en"]
    else:
        assert {"idle_fee_due", "reclaim_due"} <= st.flags
        assert "government_cause" not in st.flags


def test_government_cause_exempts_idle_b_from_the_fee(site):
    plot = site.plot(**stalled(date(2023, 1, 2), 100.0, 3000.0, 10.0, 1000.0,
                               government_cause="plan_change",
                               government_cause_note="规划调整"))
    st = evaluate(site, plot, AFTER_A_YEAR)
    assert {"idle", "idle_b", "government_cause"} <= st.flags
    assert "idle_fee_due" not in st.flags


def test_government_cause_on_a_plot_that_is_not_idle_raises_nothing(site):
    plot = site.plot(**unstarted(T0, government_cause="petition",
                                 government_cause_note="信访"))
    st = evaluate(site, plot, date(2025, 1, 2))  # before the one-year mark
    assert not st.flags & {"idle", "government_cause", "idle_fee_due"}


@pytest.mark.parametrize(("disposal", "disposal_on", "disposed"), [
    ("fee", date(2025, 6, 1), True),        # disposed the day before
    ("fee", date(2025, 6, 2), True),        # disposed on the day
    ("fee", date(2025, 6, 3), False),       # disposal still in the future
    ("deadline", date(2025, 6, 3), True),   # 限期动工: the new start deadline is ahead
    ("deadline", date(2025, 6, 2), True),   # ... it is the deadline day itself
    ("deadline", date(2025, 6, 1), False),  # ... missed: idle again
])
def test_disposal_as_of_the_date(site, disposal, disposal_on, disposed):
    plot = site.plot(**unstarted(date(2023, 3, 1), disposal=disposal,
                                 disposal_on=disposal_on, disposal_note="限期6个月动工"))
    st = evaluate(site, plot, date(2025, 6, 2))
    assert {"idle", "idle_a"} <= st.flags  # still idle, either way
    assert ("idle_disposed" in st.flags) is disposed
    assert ("idle_fee_due" in st.flags) is not disposed
    assert ("reclaim_due" in st.flags) is not disposed
    assert st.row["details"]["idle"]["disposed"] is disposed
    if disposed:
        r = st.reason("idle.disposed")
        assert r["values"] == {"disposal": disposal, "disposal_on": disposal_on.isoformat(),
                               "note": "限期6个月动工"}
        assert disposal_on.isoformat() in r["zh"] and "限期6个月动工" in r["zh"]
        assert disposal_on.isoformat() in r["en"] and disposal in r["en"]


def test_a_missed_start_deadline_restarts_the_idle_clock_from_it(site):
    plot = site.plot(**unstarted(date(2023, 3, 1), disposal="deadline",
                                 disposal_on=date(2025, 6, 1)))
    r = evaluate(site, plot, date(2025, 6, 11)).reason("idle.type_a")
    assert r["values"]["idle_since"] == "2025-06-01" and r["values"]["days_idle"] == 10
    assert "限期动工日期 2025-06-01" in r["zh"] and "10 天" in r["zh"]
    assert "deadline 2025-06-01" in r["en"]
    # started on the deadline day: no longer idle, and no disposal flag either
    site.update(plot, started_on=date(2025, 6, 1))
    assert not evaluate(site, plot, date(2025, 6, 11)).flags & {
        "idle", "idle_a", "idle_disposed", "idle_fee_due", "reclaim_due"}


@pytest.mark.parametrize(("extra", "as_of"), [
    ({"started_on": date(2025, 1, 6)}, date(2025, 6, 2)),  # A: started after the disposal
    ({}, date(2024, 2, 29)),                                # not idle yet (mark 2024-03-01)
])
def test_disposed_shows_only_while_the_plot_would_still_be_idle(site, extra, as_of):
    plot = site.plot(**unstarted(date(2023, 3, 1), disposal="fee",
                                 disposal_on=date(2024, 1, 2), **extra))
    st = evaluate(site, plot, as_of)
    assert not st.flags & {"idle", "idle_disposed"}
    assert "idle.disposed" not in st.rules


def test_a_resumed_idle_b_plot_carries_no_disposal_flag(site):
    cols = stalled(date(2023, 1, 2), 100.0, 3000.0, 10.0, 1000.0, disposal="agreement",
                   disposal_on=date(2024, 6, 3))
    plot = site.plot(**cols)
    assert {"idle_b", "idle_disposed"} <= evaluate(site, plot, date(2025, 6, 2)).flags
    site.update(plot, suspended_since=None)  # construction resumed
    assert not evaluate(site, plot, date(2025, 6, 2)).flags & {"idle", "idle_b", "idle_disposed"}


# ---------------------------------------------------------------------------------------
# §4.2 approved-not-supplied, supplied-not-used
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("as_of", "flag", "days"), [
    (date(2024, 1, 9), None, None),
    (date(2024, 1, 10), "approved_not_supplied", 0),
    (date(2024, 5, 31), "approved_not_supplied", 142),
    (date(2024, 6, 1), "supplied_not_used", 0),
    (date(2024, 10, 14), "supplied_not_used", 135),
    (date(2024, 10, 15), None, None),
])
def test_approved_not_supplied_and_supplied_not_used_with_age(site, as_of, flag, days):
    plot = site.plot(planned_use="100101", approved_on=date(2024, 1, 10),
                     supplied_on=date(2024, 6, 1), agreed_start_on=date(2024, 9, 1),
                     started_on=date(2024, 10, 15))
    st = evaluate(site, plot, as_of)
    land = st.flags & {"approved_not_supplied", "supplied_not_used"}
    assert land == ({flag} if flag else set())
    if flag == "approved_not_supplied":
        r = st.reason("land.approved_not_supplied")
        assert r["values"] == {"approved_on": "2024-01-10", "days": days}
        assert days == (as_of - date(2024, 1, 10)).days
        assert "2024-01-10" in r["zh"] and f"{days} 天" in r["zh"]
        assert "2024-01-10" in r["en"] and f"{days} days" in r["en"]
    if flag == "supplied_not_used":
        r = st.reason("land.supplied_not_used")
        assert r["values"] == {"supplied_on": "2024-06-01", "days": days}
        assert days == (as_of - date(2024, 6, 1)).days
        assert "2024-06-01" in r["zh"] and f"{days} 天" in r["zh"]
        assert "2024-06-01" in r["en"] and f"{days} days" in r["en"]


@pytest.mark.parametrize(("column", "plot_kind"), [
    ("developed_area_m2", "stalled"), ("land_price", "unstarted")])
def test_a_tiny_positive_number_is_evaluated_or_refused_as_bad_input(site, column, plot_kind):
    """Found by hypothesis: 5e-324 (the least double, accepted by the column's CHECK)
    makes float8 arithmetic raise 'value out of range: underflow' inside the rules, so
    the edit fails with a message naming neither plot nor column (DESIGN §8), and a
    deferred bulk load fails at its final recompute."""
    cols = stalled(date(2024, 3, 1), 500.0, 3000.0, 100.0, 1000.0) if plot_kind == "stalled" \
        else unstarted(T0)
    plot = site.plot(**cols)
    try:
        site.update(plot, **{column: 5e-324})
    except psycopg.errors.IntegrityError:
        return  # refused by a constraint that names the problem: fine
    except psycopg.Error as exc:
        pytest.fail(f"editing {column} failed obscurely: {exc}")
    st = evaluate(site, plot, date(2025, 6, 2))
    assert "idle" in st.flags


# ---------------------------------------------------------------------------------------
# §4.3 low efficiency
# ---------------------------------------------------------------------------------------

AS_OF_LE = date(2026, 11, 22)


def completed(**extra) -> dict:
    return {"planned_use": "100101", "approved_on": date(2019, 1, 7),
            "supplied_on": date(2019, 6, 3), "agreed_start_on": date(2019, 9, 2),
            "started_on": date(2019, 9, 30), "completed_on": date(2021, 5, 31), **extra}


def healthy(area: float) -> dict:
    """Numbers comfortably on the good side of every §4.3 threshold."""
    mu = area * 15 / 10_000
    return {"actual_investment": 300.0 * mu, "floor_area_m2": 1.5 * area,
            "high_floor_area_m2": 0.0, "building_footprint_m2": 0.45 * area,
            "structure_footprint_m2": 0.03 * area, "open_storage_m2": 0.02 * area,
            "admin_living_area_m2": 0.03 * area, "annual_tax": 25.0 * mu}


def le_plot(site: Site, **extra) -> Plot:
    plot = site.plot(**completed(**extra))
    site.update(plot, **healthy(plot.area_m2))
    return plot


def le_rules(st: Status) -> set[str]:
    return {r.split(".", 1)[1] for r in st.rules if r.startswith("low_efficiency.")}


def test_healthy_completed_plot_is_not_low_efficiency(site):
    plot = le_plot(site)
    site.project("1371", [plot])
    st = evaluate(site, plot, AS_OF_LE)
    assert "low_efficiency" not in st.flags
    ind = st.row["details"]["indicators"]
    assert ind["investment_intensity"] == pytest.approx(300.0)
    assert ind["plot_ratio"] == pytest.approx(1.5)
    assert ind["plot_ratio_min"] == 1.0
    assert ind["building_coefficient"] == pytest.approx(0.5)
    assert ind["admin_living_share"] == pytest.approx(0.03)
    assert ind["tax_per_mu"] == pytest.approx(25.0)


@pytest.mark.parametrize(("value", "low"), [(INTENSITY_MIN, False), (199.99, True)])
def test_investment_intensity_threshold(site, value, low):
    plot = le_plot(site)
    mu = plot.area_m2 * 15 / 10_000
    invested = exact_input(value, lambda x: x / mu, value * mu) if not low else value * mu
    site.update(plot, actual_investment=invested)
    st = evaluate(site, plot, AS_OF_LE)
    assert ("low_efficiency" in st.flags) is low
    assert le_rules(st) == ({"investment_intensity"} if low else set())
    if low:
        r = st.reason("low_efficiency.investment_intensity")
        assert r["values"]["value"] == pytest.approx(199.99)
        assert r["values"]["min"] == INTENSITY_MIN
        assert "199.99" in r["zh"] and "200" in r["zh"] and "199.99" in r["en"]


@pytest.mark.parametrize(("value", "low"), [(COEFFICIENT_MIN, False), (0.2999, True)])
def test_building_coefficient_threshold_counts_all_three_footprints(site, value, low):
    plot = le_plot(site)
    a = plot.area_m2
    building, structure = 0.2 * a, 0.05 * a
    storage = value * a - building - structure
    if not low:  # on the threshold to the last bit
        storage = exact_input(value, lambda x: (building + structure + x) / a, storage)
    site.update(plot, building_footprint_m2=building, structure_footprint_m2=structure,
                open_storage_m2=storage)
    st = evaluate(site, plot, AS_OF_LE)
    assert le_rules(st) == ({"building_coefficient"} if low else set())
    if low:
        r = st.reason("low_efficiency.building_coefficient")
        assert r["values"]["value"] == pytest.approx(0.2999)
        assert "30.0%" in r["zh"] and "30%" in r["zh"] and "30.0%" in r["en"]


@pytest.mark.parametrize(("value", "low"), [(ADMIN_SHARE_MAX, False), (0.0701, True)])
def test_admin_living_share_threshold(site, value, low):
    plot = le_plot(site)
    a = plot.area_m2
    admin = exact_input(value, lambda x: x / a, value * a) if not low else value * a
    site.update(plot, admin_living_area_m2=admin)
    st = evaluate(site, plot, AS_OF_LE)
    assert le_rules(st) == ({"admin_living_share"} if low else set())
    if low:
        r = st.reason("low_efficiency.admin_living_share")
        assert r["values"]["value"] == pytest.approx(0.0701)
        assert r["values"]["max"] == pytest.approx(ADMIN_SHARE_MAX)
        assert "7.0%" in r["zh"] and "7%" in r["en"]


@pytest.mark.parametrize(("value", "low"), [(TAX_PER_MU_MIN, False), (14.99, True)])
def test_tax_per_mu_threshold(site, value, low):
    plot = le_plot(site)
    mu = plot.area_m2 * 15 / 10_000
    tax = exact_input(value, lambda x: x / mu, value * mu) if not low else value * mu
    site.update(plot, annual_tax=tax)
    st = evaluate(site, plot, AS_OF_LE)
    assert le_rules(st) == ({"tax_per_mu"} if low else set())
    if low:
        r = st.reason("low_efficiency.tax_per_mu")
        assert r["values"]["value"] == pytest.approx(14.99)
        assert "14.99" in r["zh"] and "15" in r["zh"] and "14.99" in r["en"]


@pytest.mark.parametrize(("industry", "minimum"), [
    ("2511", 0.5), ("2611", 0.6), ("1711", 0.8), ("1371", 1.0),
    # GB/T 4754-2017 codes past 28 are renumbered against the 2008 table (2002 divisions)
    ("3971", 1.0),   # electronic components: 2017 39 = 2002 40
    ("3825", 0.7),   # electrical machinery: 2017 38 = 2002 39
    ("2927", 1.0),   # plastic products: 2002 30
    ("2911", 0.8),   # rubber products: 2002 29
    ("29", 0.8),     # rubber or plastics, unknown: the lower minimum
    ("3110", 0.6),   # iron and steel: 2017 31 = 2002 32
    ("3670", 0.7),   # motor vehicle parts: 2002 37 transport equipment
    ("40", 1.0),     # instruments: 2017 40 = 2002 41
])
@pytest.mark.parametrize("past", [False, True])
def test_plot_ratio_minimum_by_industry(site, industry, minimum, past):
    assert ratio_minimum(industry) == minimum
    plot = le_plot(site)
    site.project(industry, [plot])
    a = plot.area_m2
    target = minimum - 0.001 if past else minimum
    floor = target * a if past else exact_input(target, lambda x: x / a, target * a)
    site.update(plot, floor_area_m2=floor, high_floor_area_m2=0.0)
    st = evaluate(site, plot, AS_OF_LE)
    assert le_rules(st) == ({"plot_ratio"} if past else set())
    assert st.row["details"]["indicators"]["plot_ratio_min"] == minimum
    if past:
        r = st.reason("low_efficiency.plot_ratio")
        assert r["values"]["min"] == minimum
        assert r["values"]["industry"] == industry[:2]
        assert r["values"]["value"] == pytest.approx(target)
        assert industry[:2] in r["zh"] and f"{minimum:.1f}" in r["zh"]
        assert industry[:2] in r["en"] and f"{minimum:.1f}" in r["en"]


@pytest.mark.parametrize("codes", [["43"], ["4320"], ["4320", "4330"]])
def test_repair_services_2017_43_have_no_minimum_plot_ratio(site, codes):
    """Not assessable, and never read as the 2002 division 43 (0.7)."""
    plot = le_plot(site)
    for code in codes:
        site.project(code, [plot], claims=[1.0])
    site.update(plot, floor_area_m2=0.01 * plot.area_m2, high_floor_area_m2=0.0)
    st = evaluate(site, plot, AS_OF_LE)
    assert "plot_ratio" not in le_rules(st)
    indicators = st.row["details"]["indicators"]
    assert indicators["plot_ratio_min"] is None and "plot_ratio" in indicators["not_assessable"]
    assert "low_efficiency.plot_ratio" not in st.rules


def test_repair_services_beside_another_industry_take_its_minimum(site):
    plot = le_plot(site)
    site.project("4320", [plot], claims=[1.0])
    site.project("2710", [plot], claims=[1.0])  # pharmaceuticals: 0.7
    site.update(plot, floor_area_m2=0.5 * plot.area_m2, high_floor_area_m2=0.0)
    r = evaluate(site, plot, AS_OF_LE).reason("low_efficiency.plot_ratio")
    assert r["values"]["min"] == 0.7 and r["values"]["industry"] == "27"


@pytest.mark.parametrize(("high_share", "low"), [(0.2, False), (0.1999, True)])
def test_floors_higher_than_8m_count_twice(site, high_share, low):
    """Industry 25 needs 0.5: 0.3 of floor area of which 0.2 above 8 m gives 0.3 + 0.2."""
    plot = le_plot(site)
    site.project("2511", [plot])
    a = plot.area_m2
    floor = 0.3 * a
    high = exact_input(0.3 + 0.2, lambda x: (floor + x) / a, 0.2 * a) if not low \
        else high_share * a
    site.update(plot, floor_area_m2=floor, high_floor_area_m2=high)
    st = evaluate(site, plot, AS_OF_LE)
    assert le_rules(st) == ({"plot_ratio"} if low else set())
    assert st.row["details"]["indicators"]["plot_ratio"] == pytest.approx(0.3 + high_share)


def test_several_industries_on_one_plot_take_the_strictest_minimum(site):
    plot = le_plot(site)
    site.project("3825", [plot], claims=[plot.area_m2 / 2])   # 0.7
    site.project("3971", [plot], claims=[plot.area_m2 / 2])   # 1.0
    site.update(plot, floor_area_m2=0.9 * plot.area_m2, high_floor_area_m2=0.0)
    st = evaluate(site, plot, AS_OF_LE)
    assert st.row["details"]["indicators"]["plot_ratio_min"] == 1.0
    assert st.reason("low_efficiency.plot_ratio")["values"]["industry"] == "39"


def test_codes_of_the_2002_edition_can_be_configured(site):
    site.conn.execute("UPDATE parks SET settings = jsonb_set(settings, "
                      "'{low_efficiency,industry_code_edition}', '\"2002\"') WHERE id = %s",
                      [site.park])
    plot = le_plot(site)
    site.project("3971", [plot])   # 2002: 39 electrical machinery, 0.7
    st = evaluate(site, plot, AS_OF_LE)
    assert st.row["details"]["indicators"]["plot_ratio_min"] == 0.7


def test_indicators_without_data_are_not_assessable_not_failed(site):
    plot = le_plot(site)
    site.project("1371", [plot])
    site.update(plot, floor_area_m2=None, high_floor_area_m2=None, building_footprint_m2=None,
                structure_footprint_m2=None, open_storage_m2=None, annual_tax=None)
    st = evaluate(site, plot, AS_OF_LE)
    assert "low_efficiency" not in st.flags
    ind = st.row["details"]["indicators"]
    assert ind["plot_ratio"] is None and ind["building_coefficient"] is None
    assert ind["not_assessable"] == ["plot_ratio", "building_coefficient", "tax_per_mu"]
    # one footprint recorded makes the coefficient assessable again (the others count 0)
    site.update(plot, building_footprint_m2=0.1 * plot.area_m2)
    st = evaluate(site, plot, AS_OF_LE)
    assert le_rules(st) == {"building_coefficient"}
    assert st.row["details"]["indicators"]["not_assessable"] == ["plot_ratio", "tax_per_mu"]


def test_negotiating_project_sets_no_plot_ratio_minimum(site):
    plot = le_plot(site)
    site.update(plot, floor_area_m2=0.6 * plot.area_m2)
    site.project("1371", [plot], stage="negotiating")
    st = evaluate(site, plot, AS_OF_LE)
    assert "low_efficiency" not in st.flags
    assert st.row["details"]["indicators"]["plot_ratio_min"] is None


def test_every_failed_indicator_is_listed_with_its_value(site):
    plot = le_plot(site)
    site.project("1371", [plot])
    a, mu = plot.area_m2, plot.area_m2 * 15 / 10_000
    site.update(plot, actual_investment=150.0 * mu, floor_area_m2=0.75 * a,
                building_footprint_m2=0.2 * a, structure_footprint_m2=0.0,
                open_storage_m2=0.0, admin_living_area_m2=0.1 * a, annual_tax=9.0 * mu)
    st = evaluate(site, plot, AS_OF_LE)
    assert "low_efficiency" in st.flags
    assert le_rules(st) == {"investment_intensity", "plot_ratio", "building_coefficient",
                            "admin_living_share", "tax_per_mu"}
    shown = {"investment_intensity": "150.00", "plot_ratio": "0.75",
             "building_coefficient": "20.0%", "admin_living_share": "10.0%",
             "tax_per_mu": "9.00"}
    for indicator, text in shown.items():
        r = st.reason(f"low_efficiency.{indicator}")
        assert text in r["zh"] and text in r["en"], (indicator, r)


@pytest.mark.parametrize(("events", "use", "applies"), [
    ({}, "100101", True),                                    # completed, industrial
    ({"operating_on": date(2021, 9, 1)}, "100102", True),    # operating
    ({}, "110101", True),                                    # logistics / storage
    ({}, "0901", False),                                     # commercial
    ({"completed_on": None}, "100101", False),               # still under construction
])
def test_low_efficiency_only_for_completed_industrial_or_logistics(site, events, use,
                                                                  applies):
    plot = site.plot(**{**completed(planned_use=use), **events})
    mu = plot.area_m2 * 15 / 10_000
    site.update(plot, **{**healthy(plot.area_m2), "annual_tax": 1.0 * mu})
    st = evaluate(site, plot, AS_OF_LE)
    assert ("low_efficiency" in st.flags) is applies
    assert (st.row["details"]["indicators"] is not None) is applies


def test_low_efficiency_looks_at_the_stage_as_of_the_date(site):
    plot = le_plot(site)
    site.update(plot, annual_tax=1.0)
    assert "low_efficiency" not in evaluate(site, plot, date(2021, 5, 30)).flags
    assert "low_efficiency" in evaluate(site, plot, date(2021, 5, 31)).flags


# ---------------------------------------------------------------------------------------
# §4.4 conflicts
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("admitted", "industry", "stage", "conflict"), [
    (["13", "14"], "1371", "started", False),
    (["13", "14"], "3981", "started", True),
    (["13", "14"], "3981", "signed", True),
    (["13", "14"], "3981", "negotiating", False),   # talks are not a project on the land
    ([], "3981", "started", False),                 # a zone that admits anything
    (["13", "14"], None, "started", False),         # no industry recorded
])
def test_zoning_conflict(site, admitted, industry, stage, conflict):
    zone = site.zone(admitted, code="TZ-FOOD")
    plot = site.plot(zone_id=zone, planned_use="100101")
    site.project(industry, [plot], stage=stage)
    st = evaluate(site, plot, DEMO_TODAY)
    assert ("zoning_conflict" in st.flags) is conflict
    if conflict:
        r = st.reason("conflict.zoning")
        assert r["values"]["industries"] == ["39"]
        assert r["values"]["zone"] == "TZ-FOOD"
        assert r["values"]["admitted"] == admitted
        for text in (r["zh"], r["en"]):
            assert "39" in text and "TZ-FOOD" in text
        # industries by code and name, never as JSON (issue 10)
        assert "39 计算机、通信和其他电子设备制造业" in r["zh"] and "13 农副食品加工业" in r["zh"]
        assert "39 Manufacture of computers" in r["en"] and "13 Processing of food" in r["en"]
        assert "[" not in r["zh"] + r["en"]


def test_zoning_conflict_from_one_of_two_projects(site):
    zone = site.zone(["13", "14"])
    plot = site.plot(zone_id=zone, planned_use="100101")
    half = plot.area_m2 / 2
    site.project("1371", [plot], claims=[half])
    site.project("3981", [plot], claims=[half])
    st = evaluate(site, plot, DEMO_TODAY)
    assert "zoning_conflict" in st.flags
    assert st.reason("conflict.zoning")["values"]["industries"] == ["13", "39"]


@pytest.mark.parametrize(("use", "industry", "stage", "conflict"), [
    ("1401", "1439", "started", True),        # manufacturing on green space
    ("0901", "1439", "land_supplied", True),  # manufacturing on commercial land
    ("100102", "1439", "started", False),     # manufacturing on industrial land
    ("110101", "1439", "started", False),     # ... on logistics / storage land
    ("100101", "4320", "signed", False),      # 43, the last manufacturing division
    ("0901", "4320", "signed", True),
    ("110102", "5920", "started", False),     # warehousing on logistics land
    ("100101", "6010", "started", False),     # postal / courier on industrial land
    ("090101", "5211", "started", False),     # retail on commercial land: no conflict
    ("090101", "7211", "started", False),     # business services on commercial land
    ("090101", "6110", "signed", False),      # accommodation on commercial land
    ("100101", "5211", "started", True),      # retail on industrial land is one
    ("100101", "7520", "started", True),      # 75, the last service division
    ("0701", "6210", "started", True),        # catering on residential land
    ("100101", "7611", "started", False),     # 76: in no group, no rule
    ("1401", "0511", "started", False),       # agriculture: no rule
    ("1401", None, "started", False),         # no industry code: no rule
    ("1401", "1439", "negotiating", False),   # not an active project
    ("1401", None, None, False),              # no project at all
])
def test_use_conflict(site, use, industry, stage, conflict):
    plot = site.plot(planned_use=use)
    if stage:
        site.project(industry, [plot], stage=stage, code=f"UC-{plot.id}")
    st = evaluate(site, plot, DEMO_TODAY)
    assert ("use_conflict" in st.flags) is conflict
    if conflict:
        r = st.reason("conflict.use")
        needs = ["09"] if industry[:2] in ("51", "52", "61", "62", "75") else ["1001", "1101"]
        assert r["values"]["planned_use"] == use
        assert [(p["code"], p["industry"], p["uses"]) for p in r["values"]["projects"]] == [
            (f"UC-{plot.id}", industry, needs)]
        assert use in r["zh"] and use in r["en"] and f"UC-{plot.id}" in r["zh"]


def test_use_conflict_names_only_the_project_that_needs_another_use(site):
    plot = site.plot(planned_use="090101")
    site.project("5211", [plot], code=f"RT-{plot.id}", claims=[10.0])
    site.project("2710", [plot], code=f"MF-{plot.id}", claims=[10.0])
    r = evaluate(site, plot, DEMO_TODAY).reason("conflict.use")
    assert [p["code"] for p in r["values"]["projects"]] == [f"MF-{plot.id}"]


def test_use_groups_are_a_park_setting(site):
    plot = site.plot(planned_use="090101")
    site.project("2710", [plot])
    assert "use_conflict" in evaluate(site, plot, DEMO_TODAY).flags
    # a park's settings merge over the defaults group by group: this one lets
    # manufacturing use commercial land too
    site.conn.execute(
        "UPDATE parks SET settings = settings || jsonb_build_object('conflicts',"
        " jsonb_build_object('industry_uses', jsonb_build_object('manufacturing',"
        " jsonb_build_object('uses', jsonb_build_array('1001', '1101', '09')))))"
        " WHERE id = %s", [site.park])
    assert "use_conflict" not in evaluate(site, plot, DEMO_TODAY).flags


@pytest.mark.parametrize(("excess", "double"), [
    (-1.0, False),     # claims sum to a metre short of the plot
    (-0.01, False),    # just under the plot area
    (0.0, False),      # exactly the plot area
    (0.005, False),    # within the 0.01 m² tolerance
    (0.02, True),      # just over, beyond the tolerance
    (1.0, True),
])
def test_double_claim_by_claimed_areas(site, excess, double):
    plot = site.plot(planned_use="100101")
    a = plot.area_m2
    site.project("1371", [plot], claims=[a / 2])
    site.project("1372", [plot], claims=[a / 2 + excess])
    st = evaluate(site, plot, DEMO_TODAY)
    assert ("double_claim" in st.flags) is double
    if double:
        r = st.reason("conflict.double_claim")
        assert r["values"]["claimed_m2"] == pytest.approx(a + excess)
        assert r["values"]["area_m2"] == pytest.approx(a)
        assert len(r["values"]["projects"]) == 2
        assert "2 个项目" in r["zh"] and "2 projects" in r["en"]
        assert f"{a + excess:.2f}" in r["zh"] and f"{a:.2f}" in r["en"]


@pytest.mark.parametrize(("claims", "stages", "double"), [
    ([None, None], ["started", "signed"], True),           # two whole-plot claims
    ([None], ["started"], False),                          # one project never double-claims
    ([None, None], ["started", "negotiating"], False),     # talks do not claim land
    ([None, 1.0], ["started", "operating"], True),         # whole plot + a sliver
])
def test_double_claim_whole_plot_claims(site, claims, stages, double):
    plot = site.plot(planned_use="100101")
    for claim, stage in zip(claims, stages, strict=True):
        site.project("1371", [plot], stage=stage, claims=[claim])
    assert ("double_claim" in evaluate(site, plot, DEMO_TODAY).flags) is double


# ---------------------------------------------------------------------------------------
# Reasons: every flag explained, in both languages
# ---------------------------------------------------------------------------------------

def _kitchen_sink(site: Site) -> list[Plot]:
    """One plot for (almost) every rule, as of DEMO_TODAY."""
    zone = site.zone(["13"])
    plots = [
        site.plot(**unstarted(date(2024, 2, 29))),                          # idle, reclaim
        site.plot(**unstarted(date(2025, 12, 15))),                         # warning
        site.plot(**unstarted(date(2024, 1, 8), government_cause="petition",
                              government_cause_note="信访未结")),
        site.plot(**unstarted(date(2024, 1, 8), disposal="fee",
                              disposal_on=date(2025, 3, 3), disposal_note="已征缴")),
        site.plot(**stalled(date(2024, 3, 1), 100.0, 3000.0, 10.0, 1000.0)),
        site.plot(planned_use="100101", approved_on=date(2023, 2, 6)),
        site.plot(zone_id=zone, planned_use="1401"),
    ]
    le = le_plot(site)
    site.update(le, annual_tax=1.0, admin_living_area_m2=0.5 * le.area_m2)
    site.project("2511", [le, plots[-1]])
    shared = site.plot(planned_use="100101")
    site.project("1371", [shared])
    site.project("1372", [shared])
    return [*plots, le, shared]


def test_every_flag_has_reasons_with_rule_values_and_both_languages(site):
    mine = {p.id for p in _kitchen_sink(site)}
    rows = site.conn.execute("SELECT * FROM evaluate_status(%s, %s)",
                             [site.park, DEMO_TODAY]).fetchall()
    seen = set()
    for row in rows:
        flags = set(row["flags"])
        assert flags <= ALL_FLAGS, row
        assert row["flags"] == sorted(row["flags"])
        from_reasons = set()
        for r in row["reasons"]:
            assert set(r) == {"rule", "flag", "values", "zh", "en"}, r
            assert r["rule"] in RULE_FLAG, r
            assert r["flag"] == RULE_FLAG[r["rule"]], r
            assert isinstance(r["values"], dict) and r["values"], r
            assert CJK.search(r["zh"]), r
            assert re.search(r"[A-Za-z]{4}", r["en"]), r
            from_reasons.add(RULE_FLAG[r["rule"]])
        idle = {"idle"} if from_reasons & {"idle_a", "idle_b"} else set()
        assert flags == from_reasons | idle, row
        if row["plot_id"] in mine:
            seen |= flags
    assert seen == ALL_FLAGS, ALL_FLAGS - seen


def test_reasons_state_the_dates_and_numbers(site):
    """Each reason's texts carry the numbers its values hold (dates verbatim)."""
    _kitchen_sink(site)
    rows = site.conn.execute("SELECT * FROM evaluate_status(%s, %s)",
                             [site.park, DEMO_TODAY]).fetchall()
    checked = 0
    for row in rows:
        for r in row["reasons"]:
            for key, val in r["values"].items():
                if isinstance(val, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", val):
                    assert val in r["zh"] and val in r["en"], (key, r)
                    checked += 1
                elif key in ("days", "days_left", "days_idle"):
                    assert f"{val} 天" in r["zh"] and f"{val} days" in r["en"], (key, r)
                    checked += 1
    assert checked > 50


# ---------------------------------------------------------------------------------------
# One year on
# ---------------------------------------------------------------------------------------

def test_a_year_later_the_right_plots_become_idle_fee_due_and_reclaim_due(site):
    later = date(2027, 11, 22)
    fresh = site.plot(**unstarted(date(2026, 3, 2)))            # not yet, then idle
    idle = site.plot(**unstarted(date(2025, 6, 2)))             # idle, then reclaim
    exempt = site.plot(**unstarted(date(2026, 3, 2), government_cause="policy_change",
                                   government_cause_note="产业政策调整"))
    started = site.plot(**unstarted(date(2026, 3, 2), started_on=date(2026, 3, 2)))
    now = {p: evaluate(site, p, DEMO_TODAY).flags for p in (fresh, idle, exempt, started)}
    then = {p: evaluate(site, p, later).flags for p in (fresh, idle, exempt, started)}

    assert not now[fresh] & {"idle", "idle_fee_due"}
    assert {"idle", "idle_a", "idle_fee_due"} <= then[fresh]
    assert "reclaim_due" not in then[fresh]
    r = evaluate(site, fresh, later).reason("idle.type_a")
    assert "2026-03-02" in r["zh"] and "2027-03-02" in r["zh"]
    assert r["values"]["days_idle"] == (later - date(2027, 3, 2)).days

    assert {"idle", "idle_fee_due"} <= now[idle] and "reclaim_due" not in now[idle]
    assert {"idle", "idle_fee_due", "reclaim_due"} <= then[idle]
    r = evaluate(site, idle, later).reason("idle.reclaim_due")
    assert "2025-06-02" in r["en"] and "2027-06-02" in r["en"]

    assert {"idle", "government_cause"} <= then[exempt]
    assert not then[exempt] & {"idle_fee_due", "reclaim_due"}
    assert not (now[started] | then[started]) & {"idle", "idle_fee_due", "reclaim_due"}


@pytest.mark.parametrize("as_of", [date(2025, 6, 30), DEMO_TODAY, date(2027, 11, 22)])
def test_every_demo_plot_matches_the_python_reading_of_the_rules(conn, as_of):
    """All 400 demo plots, flag for flag, against expected_flags() computed in Python."""
    park = conn.execute("SELECT id FROM parks WHERE code = 'JSCY'").fetchone()["id"]
    got = {r["plot_id"]: r for r in conn.execute(
        "SELECT * FROM evaluate_status(%s, %s)", [park, as_of]).fetchall()}
    plots = conn.execute("SELECT id, code FROM plots WHERE park_id = %s", [park]).fetchall()
    assert len(got) == len(plots) == 400
    wrong = {}
    for p in plots:
        expected = expected_flags(*load_plot_facts(conn, p["id"]), as_of)
        if set(got[p["id"]]["flags"]) != expected:
            wrong[p["code"]] = (sorted(got[p["id"]]["flags"]), sorted(expected))
    assert not wrong


# ---------------------------------------------------------------------------------------
# Demo park: the planted cases, checked by hand
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "planted"), [
    ("NQ-14-06", {"idle", "idle_a", "idle_fee_due"}),
    ("SQ-01-01", {"idle", "idle_a", "idle_fee_due"}),
    ("NQ-16-11", {"idle", "idle_a", "idle_fee_due", "reclaim_due"}),
    ("NQ-10-14", {"idle_warning"}),
    ("NQ-08-12", {"idle", "idle_b", "idle_fee_due"}),
    ("NQ-09-06", {"idle", "idle_a", "government_cause"}),
    ("NQ-02-03", {"idle", "idle_a", "idle_disposed"}),
    ("NQ-14-03", {"low_efficiency"}),
    ("SQ-03-01", {"low_efficiency"}),
    ("NQ-20-04", {"zoning_conflict"}),
    ("NQ-20-10", {"use_conflict"}),
])
def test_demo_planted_case(conn, code, planted):
    park = conn.execute("SELECT id FROM parks WHERE code = 'JSCY'").fetchone()["id"]
    pid = conn.execute("SELECT id FROM plots WHERE park_id = %s AND code = %s",
                       [park, code]).fetchone()["id"]
    p, projects, admitted = load_plot_facts(conn, pid)
    today = DEMO_TODAY
    # the hand check of what makes each case what it is, from the raw columns
    t0 = p["agreed_start_on"]
    if "idle_a" in planted:
        assert p["supplied_on"] <= today and p["started_on"] is None
        assert today >= add_years(t0, 1)
    if "reclaim_due" in planted:
        assert today >= add_years(t0, 2) and p["government_cause"] is None
        assert p["disposal_on"] is None
    if "idle_a" in planted and "reclaim_due" not in planted and not p["disposal_on"] \
            and not p["government_cause"]:
        assert today < add_years(t0, 2)
    if planted == {"idle_warning"}:
        assert p["started_on"] is None
        left = min((m - today).days for m in (add_years(t0, 1), add_years(t0, 2))
                   if m > today)
        assert 0 < left <= WARNING_DAYS
    if "idle_b" in planted:
        assert p["started_on"] <= today and add_years(p["suspended_since"], 1) <= today
        assert (p["developed_area_m2"] / p["planned_floor_area_m2"] < 1 / 3
                or p["actual_investment"] / p["planned_investment"] < 0.25)
    if "government_cause" in planted:
        assert p["government_cause"] is not None
    if "idle_disposed" in planted:
        assert p["disposal_on"] <= today
    if planted == {"low_efficiency"}:
        assert expected_stage(p, today) in ("completed", "operating")
        assert low_efficiency_failures(p, [pr["industry_code"] for pr in projects])
    if "zoning_conflict" in planted:
        assert admitted and any(pr["industry_code"][:2] not in admitted for pr in projects)
    if "use_conflict" in planted:
        assert projects and not p["planned_use"].startswith(("1001", "1101"))

    expected = expected_flags(p, projects, admitted, today)
    assert planted <= expected
    got = conn.execute("SELECT * FROM evaluate_status(%s, %s, %s::int[])",
                       [park, today, [pid]]).fetchone()
    assert set(got["flags"]) == expected
    if "idle_fee_due" in planted:
        fee = next(r for r in got["reasons"] if r["rule"] == "idle.fee_due")
        assert fee["values"]["fee"] == pytest.approx(p["land_price"] * IDLE_FEE_SHARE)
    if planted == {"low_efficiency"}:
        failed = low_efficiency_failures(p, [pr["industry_code"] for pr in projects])
        assert {r["rule"] for r in got["reasons"] if r["rule"].startswith("low_eff")} == \
            {f"low_efficiency.{f}" for f in failed}


# ---------------------------------------------------------------------------------------
# Stored results
# ---------------------------------------------------------------------------------------

def test_recompute_plots_stores_what_evaluate_status_returns(site):
    site.conn.execute("SET parkatlas.defer_recompute = on")
    plots = [site.plot(**unstarted(T0)), site.plot(**unstarted(date(2025, 12, 15)))]
    ids = [p.id for p in plots]
    n = site.conn.execute("SELECT recompute_plots(%s, %s, %s::int[]) AS n",
                          [site.park, DEMO_TODAY, ids]).fetchone()["n"]
    assert n == 2
    stored = site.conn.execute(
        "SELECT plot_id, evaluated_on, stage, flags, reasons, details FROM plot_status"
        " WHERE plot_id = ANY (%s::int[]) ORDER BY plot_id", [ids]).fetchall()
    fresh = site.conn.execute(
        "SELECT plot_id, evaluated_on, stage, flags, reasons, details"
        " FROM evaluate_status(%s, %s, %s::int[]) ORDER BY plot_id",
        [site.park, DEMO_TODAY, ids]).fetchall()
    assert stored == fresh
    assert "reclaim_due" in stored[0]["flags"] and "idle_warning" in stored[1]["flags"]


def test_recompute_plots_drops_a_plot_that_left_the_park(site):
    site.conn.execute("SET parkatlas.defer_recompute = on")
    plot = site.plot(**unstarted(T0))
    site.conn.execute("SELECT recompute_plots(%s, %s, %s::int[])",
                      [site.park, DEMO_TODAY, [plot.id]])
    other = site.conn.execute("INSERT INTO parks (code, name, gk_zone) VALUES"
                              " ('TST2', '测试园区', 38) RETURNING id").fetchone()["id"]
    site.conn.execute("UPDATE plots SET park_id = %s WHERE id = %s", [other, plot.id])
    site.conn.execute("SELECT recompute_plots(%s, %s, %s::int[])",
                      [site.park, DEMO_TODAY, [plot.id]])
    left = site.conn.execute("SELECT park_id FROM plot_status WHERE plot_id = %s",
                             [plot.id]).fetchall()
    assert left == []


def test_status_get_reads_stored_rows_of_the_day_and_evaluates_other_days(site):
    from app import status

    site.conn.execute("SET parkatlas.defer_recompute = on")
    plot = site.plot(**unstarted(T0))
    site.conn.execute("SELECT recompute_plots(%s, %s, %s::int[])",
                      [site.park, DEMO_TODAY, [plot.id]])
    stored = status.get(site.conn, site.park, plot.id, DEMO_TODAY)
    assert stored["evaluated_on"] == DEMO_TODAY and "reclaim_due" in stored["flags"]
    earlier = status.get(site.conn, site.park, plot.id, date(2025, 5, 9))
    fresh = evaluate(site, plot, date(2025, 5, 9)).row
    assert earlier == {k: v for k, v in fresh.items() if k not in ("plot_id", "park_id")}
    assert "idle_warning" in earlier["flags"] and "idle_a" not in earlier["flags"]


# ---------------------------------------------------------------------------------------
# Incremental recompute triggers (sql/source/10_upkeep.sql)
# ---------------------------------------------------------------------------------------

@pytest.fixture
def recompute_triggers(conn):
    """Skips until the statement-level recompute triggers exist."""
    found = conn.execute(
        "SELECT count(*) AS n FROM pg_trigger WHERE NOT tgisinternal"
        " AND tgrelid IN ('plots'::regclass, 'projects'::regclass,"
        " 'project_plots'::regclass, 'zones'::regclass)"
        " AND tgname LIKE 'recompute%'").fetchone()["n"]
    if found < 4:
        pytest.skip("TRIGGER TEST: waiting for the lead's recompute triggers")


def stored_flags(conn, plot: Plot) -> set[str] | None:
    row = conn.execute("SELECT flags, evaluated_on FROM plot_status WHERE plot_id = %s",
                       [plot.id]).fetchone()
    if row is None:
        return None
    assert row["evaluated_on"] == conn.execute(
        "SELECT park_today(park_id) AS d FROM plots WHERE id = %s", [plot.id]).fetchone()["d"]
    return set(row["flags"])


def test_trigger_plot_insert_and_update_store_status_in_the_same_transaction(
        site, recompute_triggers):
    with site.conn.transaction():
        plot = site.plot(planned_use="100101", approved_on=date(2023, 2, 6))
        assert "approved_not_supplied" in stored_flags(site.conn, plot)
        site.update(plot, supplied_on=date(2024, 2, 5))
        flags = stored_flags(site.conn, plot)
        assert "approved_not_supplied" not in flags and "supplied_not_used" in flags


def test_trigger_project_plots_and_project_stage_recompute_conflicts(
        site, recompute_triggers):
    plot = site.plot(planned_use="100101")
    with site.conn.transaction():
        site.project("1371", [plot])
        second = site.project("1372", [plot], stage="negotiating")
        assert "double_claim" not in stored_flags(site.conn, plot)
        site.conn.execute("UPDATE projects SET stage = 'signed' WHERE id = %s", [second])
        assert "double_claim" in stored_flags(site.conn, plot)
    site.conn.execute("DELETE FROM project_plots WHERE project_id = %s", [second])
    assert "double_claim" not in stored_flags(site.conn, plot)


def test_trigger_zone_admitted_industries_recompute_zoning(site, recompute_triggers):
    zone = site.zone(["13"])
    plot = site.plot(zone_id=zone, planned_use="100101")
    site.project("3981", [plot])
    assert "zoning_conflict" in stored_flags(site.conn, plot)
    site.conn.execute("UPDATE zones SET admitted_industries = '{13,39}' WHERE id = %s",
                      [zone])
    assert "zoning_conflict" not in stored_flags(site.conn, plot)


def test_trigger_deferred_for_bulk_loads(site, recompute_triggers):
    plot = site.plot(planned_use="1401")
    before = stored_flags(site.conn, plot)
    with site.conn.transaction():
        site.conn.execute("SET LOCAL parkatlas.defer_recompute = on")
        site.project("1439", [plot])
        assert stored_flags(site.conn, plot) == before
    assert "use_conflict" not in stored_flags(site.conn, plot)
    site.conn.execute("SELECT recompute_plots(%s, park_today(%s), %s::int[])",
                      [site.park, site.park, [plot.id]])
    assert "use_conflict" in stored_flags(site.conn, plot)
