"""One clock (DESIGN §4.9 Time): today is the date in the park's time zone, everywhere."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from app import clock, exporters, requisition

DEMO_PLAN = "北区2026年度第一批次城镇建设用地征收方案"
# 23:30 in UTC is 07:30 the next morning in Beijing
LATE_EVENING_UTC = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)


@pytest.fixture
def late_evening(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: LATE_EVENING_UTC)


def _park(conn) -> int:
    return conn.execute("SELECT id FROM parks WHERE code = 'JSCY'").fetchone()["id"]


def test_a_plan_exported_at_2330_utc_is_dated_the_next_day_in_the_park(conn, late_evening):
    plan = conn.execute("SELECT id FROM requisition_plans WHERE name = %s",
                        [DEMO_PLAN]).fetchone()["id"]
    result = requisition.compute(conn, plan)
    assert result.computed_on == date(2026, 12, 2)
    text = exporters.export(result, "txt").decode("gbk")
    assert "数据产生日期=2026-12-02" in text


def test_python_today_follows_the_park_time_zone_setting(conn, late_evening):
    park = _park(conn)
    assert clock.park_timezone(conn, park) == "Asia/Shanghai"
    assert clock.park_today(conn, park) == date(2026, 12, 2)
    conn.execute("UPDATE parks SET settings = settings || '{\"timezone\": \"UTC\"}' WHERE id = %s",
                 [park])
    assert clock.park_today(conn, park) == date(2026, 12, 1)


@pytest.mark.parametrize(("instant", "timezone", "today"), [
    ("2026-12-01 23:30+00", None, date(2026, 12, 2)),
    ("2026-12-01 15:59:59+00", None, date(2026, 12, 1)),
    ("2026-12-01 16:00+00", None, date(2026, 12, 2)),  # midnight in Beijing
    ("2026-12-01 23:30+00", "UTC", date(2026, 12, 1)),
    ("2026-12-01 23:30+00", "America/New_York", date(2026, 12, 1)),
])
def test_sql_today_is_the_date_in_the_park_time_zone(conn, instant, timezone, today):
    park = _park(conn)
    if timezone:
        conn.execute("UPDATE parks SET settings = jsonb_set(settings, '{timezone}',"
                     " to_jsonb(%s::text)) WHERE id = %s", [timezone, park])
    conn.execute("SET TimeZone = 'UTC'")  # the session's own zone plays no part
    conn.execute("SELECT set_config('parkatlas.now', %s, false)", [instant])
    assert conn.execute("SELECT park_today(%s) AS d", [park]).fetchone()["d"] == today


def test_rules_views_and_triggers_use_the_park_today(conn):
    park = _park(conn)
    conn.execute("SET TimeZone = 'UTC'")
    conn.execute("SELECT set_config('parkatlas.now', '2026-12-01 23:30+00', false)")
    plot = conn.execute("""SELECT id FROM plots WHERE park_id = %s AND supplied_on IS NULL
                           ORDER BY id LIMIT 1""", [park]).fetchone()["id"]
    # supplied on the park's today: the view shows it supplied, the trigger stores that day
    conn.execute("UPDATE plots SET approved_on = NULL, requisitioned_on = NULL,"
                 " banked_on = NULL, supplied_on = '2026-12-02' WHERE id = %s", [plot])
    stored = conn.execute("SELECT evaluated_on, stage FROM plot_status WHERE plot_id = %s",
                          [plot]).fetchone()
    assert stored == {"evaluated_on": date(2026, 12, 2), "stage": "supplied"}
    view = conn.execute("SELECT stage FROM plot_features WHERE id = %s", [plot]).fetchone()
    assert view["stage"] == "supplied"


def test_every_park_has_a_time_zone_setting(conn):
    settings = conn.execute("SELECT park_settings(%s) AS s", [_park(conn)]).fetchone()["s"]
    assert settings["timezone"] == "Asia/Shanghai"


# --- every date derived from "now" is the park's (issue 11) ---------------------------------

def _late_result(conn):
    plan = conn.execute("SELECT id FROM requisition_plans WHERE name = %s",
                        [DEMO_PLAN]).fetchone()["id"]
    return requisition.compute(conn, plan)


def test_the_workbook_of_a_plan_exported_at_2330_utc_is_dated_the_next_day(conn, late_evening):
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(exporters.export(_late_result(conn), "xlsx")))
    dated = [row[1].value for ws in book.worksheets for row in ws.iter_rows(max_col=2)
             if row[0].value == "计算日期"]
    assert dated == [datetime(2026, 12, 2)]
    assert book.properties.created.date() == date(2026, 12, 2)


def test_the_pdf_of_a_plan_exported_at_2330_utc_is_dated_the_next_day(conn, late_evening,
                                                                       tmp_path):
    import subprocess

    path = tmp_path / "plan.pdf"
    path.write_bytes(exporters.export(_late_result(conn), "pdf"))
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "2026-12-02" in text and "2026-12-01" not in text


def test_plan_version_dates_and_the_plan_list_are_in_the_park_time_zone(conn):
    plan = conn.execute("SELECT id, park_id FROM requisition_plans WHERE name = %s",
                        [DEMO_PLAN]).fetchone()
    conn.execute("SET TimeZone = 'UTC'")
    conn.execute("UPDATE plan_versions SET created_at = '2026-12-01 23:30+00' "
                 "WHERE plan_id = %s", [plan["id"]])
    version = requisition.get(conn, plan["id"])["versions"][0]
    assert version["created_on"] == date(2026, 12, 2)
    conn.execute("UPDATE requisition_plans SET updated_at = '2026-12-01 23:30+00' "
                 "WHERE id = %s", [plan["id"]])
    row = next(p for p in requisition.list_plans(conn, plan["park_id"]) if p["id"] == plan["id"])
    assert row["updated_local"] == datetime(2026, 12, 2, 7, 30)


def test_a_backup_is_named_by_its_utc_time_and_says_so():
    from pathlib import Path

    from app import backup

    beijing = LATE_EVENING_UTC.astimezone(ZoneInfo("Asia/Shanghai"))
    for instant in (LATE_EVENING_UTC, beijing):
        assert backup.default_path(Path("b"), instant).name == "parkatlas-20261201-233000Z.dump"
