"""The rule readers keep plans made with their parameter values (issue 8: generic-plan collapse).

PostgreSQL may switch a prepared statement to a generic plan from its sixth execution; for
the plot list as of a date without stored results that plan ran for minutes. The app's
connections never prepare statements, so every execution is planned with its values.
"""

from datetime import date, timedelta

from app import db, layers, params


def test_plot_list_for_ten_dates_without_stored_rows_never_uses_a_generic_plan(db_url):
    with db.connect(db_url) as conn:
        conn.execute("SET statement_timeout = '20s'")  # a generic plan took > 30 s
        park = conn.execute("SELECT id FROM parks WHERE code = 'JSCY'").fetchone()["id"]
        plots = conn.execute("SELECT count(*) AS n FROM plots WHERE park_id = %s",
                             [park]).fetchone()["n"]
        stored = {r["evaluated_on"] for r in conn.execute(
            "SELECT DISTINCT evaluated_on FROM plot_status").fetchall()}
        days = [date(2031, 1, 1) + timedelta(days=k) for k in range(10)]
        assert not stored & set(days)
        for day in days:
            page = layers.search(conn, layers.LAYERS["plots"], park, None,
                                 params.Page(limit=10, offset=0), as_of=day)
            assert page["matched"] == plots
            assert {f["properties"]["evaluated_on"] for f in page["features"]} == {day.isoformat()}
        prepared = conn.execute("SELECT statement, generic_plans FROM pg_prepared_statements"
                                ).fetchall()
        assert prepared == []  # so PostgreSQL never gets to choose a generic plan
