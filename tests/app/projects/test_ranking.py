"""The 龙虎榜 (issue 12 item 5): projects ranked by score as of the end of a 旬 (0.6 ×
schedule + 0.4 × investment), ties broken by days behind, share of the planned investment,
planned investment and code; the change since the previous 旬; leaders and units ranked
by their projects; the page: filters, arrows with words for screen readers, escaping, who
may read it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app import db
from app.projects import ranking
from app.projects.period import last_complete
from tests.client import login

EVIL = "<script>alert(1)</script>"
TAG = "TRK"


@pytest.fixture
def scene(db_url, conn):
    """Seven projects tagged TRK, loaded with their history (not by a user), in the 旬 before
    the last complete one (P) and the one before it (P.previous):
      A  P: 800 of 1 000 invested                → 92      (previously 60)
      C  P: 1 000 of 2 000                       → 80      (previously 60, larger plan)
      D  P.previous: 900 of 1 000, P: 500 of 1 000 → 80    (previously 96)
      E, F  no plan, no report                   → 60 each (the code decides)
      H  negotiating, signed during P            → 60, new
      G  开工 planned 30 days before P's end, none → 42 (black)"""
    park = conn.execute("SELECT min(id) AS id FROM parks").fetchone()["id"]
    today = conn.execute("SELECT park_today(%s) AS d", (park,)).fetchone()["d"]
    period = last_complete(today).previous
    before = period.previous
    with db.connect(db_url) as loader:  # not a user: rows that carry their own history
        ids = {}
        for key, planned, leader, stage in (
                ("A", 1000, "甲", "signed"), ("C", 2000, "甲", "signed"),
                ("D", 1000, "乙", "signed"), ("E", None, "乙", "signed"),
                ("F", None, "乙", "signed"), ("G", None, "丙", "signed"),
                ("H", None, "丙", "negotiating")):
            ids[key] = loader.execute(
                "INSERT INTO projects (park_id, code, name, stage, planned_investment, leader, "
                "responsible_unit, tags) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
                (park, f"TRK-{key}", f"排名{key}" if key != "A" else EVIL, stage, planned,
                 leader, f"单位{leader}", [TAG])).fetchone()["id"]
        for key, on, invest in (("A", period.end, 800), ("C", period.start, 1000),
                                ("D", before.end, 900), ("D", period.end, 500)):
            loader.execute("INSERT INTO progress_reports (project_id, reported_on, "
                           "progress_pct, investment_done) VALUES (%s, %s, 10, %s)",
                           (ids[key], on, invest))
        loader.execute("INSERT INTO milestones (project_id, stage, planned_on) "
                       "VALUES (%s, 'started', %s)", (ids["G"], period.end - timedelta(days=30)))
        loader.execute("INSERT INTO milestones (project_id, stage, planned_on, actual_on) "
                       "VALUES (%s, 'signed', %s, %s)", (ids["H"], period.start, period.start))
    return {"park": park, "period": period, "ids": ids, "conn": conn}


def ranked(scene, **filters):
    return ranking.ranking(scene["conn"], scene["park"], scene["period"],
                           {"tag": TAG, **filters})


def test_projects_ranked_by_score_with_ties_broken_in_order(scene):
    found = ranked(scene)["projects"]
    assert [p["code"] for p in found] == ["TRK-A", "TRK-C", "TRK-D", "TRK-E", "TRK-F",
                                          "TRK-H", "TRK-G"]
    assert [float(p["score"]) for p in found] == [92, 80, 80, 60, 60, 60, 42]
    assert [p["rank"] for p in found] == list(range(1, 8))
    g = found[-1]
    assert (g["flag"], g["days_behind"]) == ("black", 30)


def test_change_since_the_previous_period(scene):
    moves = {p["code"]: (p["prev_rank"], p["change"].direction, p["change"].places)
             for p in ranked(scene)["projects"]}
    # previously: D 96, then the 60s: C (larger plan), A, E, F; G black; H not yet signed
    assert moves["TRK-D"] == (1, "down", 2)
    assert moves["TRK-A"] == (3, "up", 2)
    assert moves["TRK-C"] == (2, "same", 0)
    assert moves["TRK-H"] == (None, "new", 0)
    assert moves["TRK-G"][1] == "down"  # 5th of 6 before (days behind), 7th of 7 now


def test_leaders_and_units_ranked_by_their_projects(scene):
    found = ranked(scene)
    leaders = [(g["who"], g["n"], float(g["score"]), g["black"]) for g in found["leaders"]]
    assert leaders == [("甲", 2, 86.0, 0), ("乙", 3, 66.67, 0), ("丙", 2, 51.0, 1)]
    assert [g["who"] for g in found["units"]] == ["单位甲", "单位乙", "单位丙"]
    # 乙 led before (D 96, E 60, F 60 → 72 vs 甲 60): it moved down
    assert found["leaders"][0]["change"].direction == "up"


def test_a_change_recorded_later_does_not_move_an_old_ranking(scene, conn):
    first = [(p["code"], p["score"], p["flag"]) for p in ranked(scene)["projects"]]
    today = conn.execute("SELECT park_today(%s) AS d", (scene["park"],)).fetchone()["d"]
    ids = scene["ids"]
    # acting as a user now: a report dated today, a plan moved, a new overdue milestone
    db.set_actor(conn, "test-planner")
    conn.execute("INSERT INTO progress_reports (project_id, reported_on, progress_pct, "
                 "investment_done) VALUES (%s, %s, 50, 2000)", (ids["C"], today))
    conn.execute("UPDATE milestones SET planned_on = planned_on + 60 WHERE project_id = %s",
                 (ids["G"],))
    conn.execute("INSERT INTO milestones (project_id, stage, planned_on) VALUES "
                 "(%s, 'started', %s)", (ids["A"], scene["period"].start))
    assert [(p["code"], p["score"], p["flag"]) for p in ranked(scene)["projects"]] == first
    now = {r["project_id"]: r["flag"] for r in conn.execute(
        "SELECT * FROM project_flags(%s, %s)", (scene["park"], scene["period"].end))}
    assert now[ids["A"]] == "black" and now[ids["G"]] == "red"  # today's reading moved


def test_the_page_shows_arrows_with_words_flags_and_escapes_names(client, scene):
    login(client, "viewer")
    url = f"/ranking?period={scene['period']}&tag={TAG}"
    html = client.get(url + "&lang=en").get_data(as_text=True)
    codes = re.findall(r'<tr data-project-id="\d+" data-code="([^"]+)"', html)
    assert codes == ["TRK-A", "TRK-C", "TRK-D", "TRK-E", "TRK-F", "TRK-H", "TRK-G"]
    assert EVIL not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "▲2" in html and "up 2 places" in html and "▼2" in html and "down 2 places" in html
    assert 'data-flag="black"' in html and "Black flag" in html
    assert scene["period"].name("en") in html and "Responsible leaders" in html
    zh = client.get(url + "&lang=zh").get_data(as_text=True)
    assert scene["period"].name("zh") in zh and "龙虎榜" in zh and "上升 2 位" in zh
    assert "黑旗" in zh and "责任领导排名" in zh


def test_filters_as_on_the_project_list(client, scene):
    login(client, "viewer")
    html = client.get(f"/ranking?period={scene['period']}&tag={TAG}&flag=black"
                      ).get_data(as_text=True)
    assert re.findall(r'data-code="([^"]+)"', html) == ["TRK-G"]
    html = client.get(f"/ranking?period={scene['period']}&tag={TAG}&leader=甲"
                      ).get_data(as_text=True)
    assert re.findall(r'data-code="([^"]+)"', html) == ["TRK-A", "TRK-C"]


def test_the_demo_park_ranks_every_project_past_negotiating(client, conn):
    login(client, "viewer")
    html = client.get("/ranking").get_data(as_text=True)
    n = conn.execute("SELECT count(*) AS n FROM projects WHERE stage <> 'negotiating'"
                     ).fetchone()["n"]
    assert len(re.findall(r'<tr data-project-id=', html)) == n
    assert 'data-flag="black"' in html and 'data-flag="red"' in html


@pytest.mark.parametrize("period", ["2026-13-1", "2026-11-4", "x"])
def test_a_malformed_period_is_a_400_in_the_users_language(client, period):
    login(client, "viewer")
    response = client.get(f"/ranking?period={period}&lang=en")
    assert response.status_code == 400
    assert "ten-day period" in response.get_data(as_text=True)


def test_a_guest_cannot_read_the_ranking(client):
    login(client, "guest")
    assert client.get("/ranking").status_code == 403
    anonymous = client.application.test_client()
    assert anonymous.get("/ranking").status_code in (302, 401)

