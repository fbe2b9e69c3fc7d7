"""旬 periods: boundaries on the 10th/11th and 20th/21st, month ends (30/31 days, February,
leap years), the previous 旬 across months and years, names in both languages."""

from datetime import date

import pytest

from app.errors import BadRequest
from app.projects.period import Period, last_complete


@pytest.mark.parametrize("day,period", [
    (date(2026, 11, 1), Period(2026, 11, 1)), (date(2026, 11, 10), Period(2026, 11, 1)),
    (date(2026, 11, 11), Period(2026, 11, 2)), (date(2026, 11, 20), Period(2026, 11, 2)),
    (date(2026, 11, 21), Period(2026, 11, 3)), (date(2026, 11, 30), Period(2026, 11, 3)),
    (date(2026, 12, 31), Period(2026, 12, 3)), (date(2026, 2, 28), Period(2026, 2, 3)),
    (date(2028, 2, 29), Period(2028, 2, 3))])
def test_the_period_containing_a_date(day, period):
    assert Period.containing(day) == period
    assert period.start <= day <= period.end


@pytest.mark.parametrize("period,start,end", [
    (Period(2026, 11, 1), date(2026, 11, 1), date(2026, 11, 10)),
    (Period(2026, 11, 2), date(2026, 11, 11), date(2026, 11, 20)),
    (Period(2026, 11, 3), date(2026, 11, 21), date(2026, 11, 30)),
    (Period(2026, 12, 3), date(2026, 12, 21), date(2026, 12, 31)),
    (Period(2026, 2, 3), date(2026, 2, 21), date(2026, 2, 28)),
    (Period(2028, 2, 3), date(2028, 2, 21), date(2028, 2, 29)),
    (Period(2100, 2, 3), date(2100, 2, 21), date(2100, 2, 28))])
def test_first_and_last_days(period, start, end):
    assert (period.start, period.end) == (start, end)


def test_previous_and_next_cross_months_and_years():
    assert Period(2026, 11, 3).previous == Period(2026, 11, 2)
    assert Period(2026, 11, 1).previous == Period(2026, 10, 3)
    assert Period(2027, 1, 1).previous == Period(2026, 12, 3)
    assert Period(2028, 3, 1).previous.end == date(2028, 2, 29)
    assert Period(2026, 12, 3).next == Period(2027, 1, 1)
    assert Period(2026, 2, 2).next.end == date(2026, 2, 28)


def test_names_in_both_languages_and_the_parameter_form():
    p = Period(2026, 11, 3)
    assert p.name("zh") == "2026年11月下旬"
    assert p.name("en") == "late November 2026"
    assert Period(2026, 1, 1).name("zh") == "2026年1月上旬"
    assert Period(2026, 2, 2).name("en") == "mid February 2026"
    assert str(p) == "2026-11-3" and Period.parse("2026-11-3") == p
    assert Period.parse("2026-02-1") == Period(2026, 2, 1)


@pytest.mark.parametrize("bad", ["2026-11-4", "2026-13-1", "2026-11", "2026-11-30", "", "x"])
def test_a_malformed_period_is_refused(bad):
    with pytest.raises(BadRequest):
        Period.parse(bad)


def test_the_last_complete_period():
    assert last_complete(date(2026, 11, 22)) == Period(2026, 11, 2)
    assert last_complete(date(2026, 11, 20)) == Period(2026, 11, 2)
    assert last_complete(date(2026, 11, 21)) == Period(2026, 11, 2)
    assert last_complete(date(2026, 12, 1)) == Period(2026, 11, 3)
