"""A project's flag (DESIGN §4.7, sql/source/04_projects.sql project_flags): black when a
milestone's planned date has passed without an actual date, or when the latest progress is
more than the setting's points (10) below the straight line from the planned start to the
planned completion; red otherwise. The edges: due today / yesterday; 10 and 10.01 points."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.projects import project


@pytest.fixture
def setup(conn):
    park = conn.execute("SELECT min(id) AS id FROM parks").fetchone()["id"]
    today = conn.execute("SELECT park_today(%s) AS d", (park,)).fetchone()["d"]
    pid = conn.execute("INSERT INTO projects (park_id, code, name, stage) VALUES "
                       "(%s, 'TP-FLAG', '旗帜测试', 'started') RETURNING id", (park,)
                       ).fetchone()["id"]
    return conn, park, today, pid


def flag_of(conn, park: int, pid: int, as_of: date | None = None) -> dict:
    return conn.execute("SELECT * FROM project_flags(%s, %s) WHERE project_id = %s",
                        (park, as_of, pid)).fetchone()


def milestone(conn, pid: int, stage: str, planned: date, actual: date | None = None) -> None:
    conn.execute("INSERT INTO milestones (project_id, stage, planned_on, actual_on) "
                 "VALUES (%s, %s, %s, %s)", (pid, stage, planned, actual))


def test_a_project_without_milestones_is_red(setup):
    conn, park, _today, pid = setup
    row = flag_of(conn, park, pid)
    assert (row["flag"], row["days_behind"], row["reasons"]) == ("red", 0, [])


def test_a_milestone_due_today_is_not_late(setup):
    conn, park, today, pid = setup
    milestone(conn, pid, "started", today)
    assert flag_of(conn, park, pid)["flag"] == "red"


def test_a_milestone_due_yesterday_without_an_actual_date_is_a_black_flag(setup):
    conn, park, today, pid = setup
    yesterday = today - timedelta(days=1)
    milestone(conn, pid, "started", yesterday)
    row = flag_of(conn, park, pid)
    assert (row["flag"], row["days_behind"]) == ("black", 1)
    (reason,) = row["reasons"]
    assert reason["rule"] == "milestone_overdue" and reason["days"] == 1
    assert reason["zh"] == f"开工节点计划 {yesterday}，已过 1 天仍无实际日期"
    assert reason["en"] == f"Started milestone {yesterday} passed 1 day ago without an actual date"


def test_an_actual_date_ends_the_delay_and_the_flag_is_read_as_of_a_date(setup):
    conn, park, today, pid = setup
    planned = today - timedelta(days=62)
    milestone(conn, pid, "started", planned, today - timedelta(days=2))
    assert flag_of(conn, park, pid)["flag"] == "red"
    # three days ago the actual date had not happened yet: 59 days late then
    then = flag_of(conn, park, pid, today - timedelta(days=3))
    assert (then["flag"], then["days_behind"]) == ("black", 59)
    assert "passed 59 days ago" in then["reasons"][0]["en"]


@pytest.mark.parametrize(("progress", "flag"), [(40, "red"), (39.99, "black"), (55, "red")])
def test_progress_exactly_ten_points_below_the_straight_line_is_still_red(setup, progress,
                                                                           flag):
    conn, park, today, pid = setup
    milestone(conn, pid, "started", today - timedelta(days=100), today - timedelta(days=100))
    milestone(conn, pid, "completed", today + timedelta(days=100))
    conn.execute("INSERT INTO progress_reports (project_id, reported_on, progress_pct) "
                 "VALUES (%s, %s, %s)", (pid, today, progress))
    row = flag_of(conn, park, pid)
    assert row["flag"] == flag
    if flag == "black":
        (reason,) = row["reasons"]
        assert reason["rule"] == "progress_behind" and float(reason["points"]) == 10.01
        assert row["days_behind"] == 21  # 10.01 % of a 200-day schedule, rounded up
        assert "低于直线计划 50.00%" in reason["zh"]


def test_the_points_are_a_park_setting(setup):
    conn, park, today, pid = setup
    milestone(conn, pid, "started", today - timedelta(days=100), today - timedelta(days=100))
    milestone(conn, pid, "completed", today + timedelta(days=100))
    conn.execute("INSERT INTO progress_reports (project_id, reported_on, progress_pct) "
                 "VALUES (%s, %s, 45)", (pid, today))
    assert flag_of(conn, park, pid)["flag"] == "red"
    conn.execute("UPDATE parks SET settings = jsonb_set(settings, '{projects}', "
                 "'{\"behind_schedule_points\": 4}') WHERE id = %s", (park,))
    assert flag_of(conn, park, pid)["flag"] == "black"


def test_the_domain_reads_the_flag_with_the_project(setup):
    conn, _park, today, pid = setup
    milestone(conn, pid, "signed", today - timedelta(days=5))
    found = project.get(conn, pid)
    assert found["flag"]["flag"] == "black" and found["flag"]["days_behind"] == 5
    assert found["milestones"][0]["days_late"] == 5


def test_the_demo_has_both_flags(conn):
    park = conn.execute("SELECT min(id) AS id FROM parks").fetchone()["id"]
    flags = {r["flag"] for r in conn.execute("SELECT flag FROM project_flags(%s)", (park,))}
    assert flags == {"red", "black"}
