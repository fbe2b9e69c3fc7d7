"""The disposal record (issue 15 item 5): a planner records a decision on an idle plot; the
status engine shows it disposed and tracks a new start deadline (missed: idle again);
every decision is kept and audited; a stale version is a 409 showing the other decision;
refusals come from the catalogue in both languages, never a raw database message."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app import errors
from tests.builders import ORIGIN, Site, evaluate
from tests.client import api_error, api_login, csrf_token, login

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def idle(conn):
    """An idle plot (agreed start 2024-01-10, not started; land price 1000 万元) of the demo
    park, and its version."""
    site = Site(conn)
    plot = site.plot((ORIGIN[0], ORIGIN[1] + 3000), code="D-IDLE", land_price=1000.0,
                     supplied_on=date(2023, 6, 1), agreed_start_on=date(2024, 1, 10),
                     land_user="闲置公司")
    version = conn.execute("SELECT version FROM plots WHERE id = %s", (plot.id,)).fetchone()
    return {"site": site, "plot": plot, "version": version["version"]}


def _post(client, plot_id, version, lang="en", **props):
    return client.post(f"/api/v1/plots/{plot_id}/disposals?lang={lang}",
                       json={"version": version, "properties": props})


DEADLINE = {"kind": "deadline", "decided_on": "2026-02-01", "deadline_on": "2026-09-30",
            "doc_no": "荆开管〔2026〕12号", "note": "限期至九月底动工"}


def test_deadline_disposes_until_missed_then_idle_again(client, conn, idle):
    site, plot = idle["site"], idle["plot"]
    assert "idle_a" in evaluate(site, plot, date(2026, 3, 1)).flags
    api_login(client, "planner")
    response = _post(client, plot.id, idle["version"], **DEADLINE)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["version"] == idle["version"] + 1
    row = conn.execute("SELECT disposal, disposal_on FROM plots WHERE id = %s",
                       (plot.id,)).fetchone()
    assert (row["disposal"], row["disposal_on"]) == ("deadline", date(2026, 9, 30))
    during = evaluate(site, plot, date(2026, 3, 1))
    assert "idle_disposed" in during.flags and "idle_fee_due" not in during.flags
    said = during.reason("idle.disposed")  # the decision by its name, never its code
    assert said["zh"].startswith("已处置（限期动工，2026-09-30）") and "deadline" not in said["zh"]
    assert said["en"].startswith("Disposed (start deadline set, 2026-09-30)")
    on_the_day = evaluate(site, plot, date(2026, 9, 30))
    assert "idle_disposed" in on_the_day.flags
    missed = evaluate(site, plot, date(2026, 10, 1))
    assert "idle_a" in missed.flags and "idle_disposed" not in missed.flags
    # before the decision (2026-02-01) the plot was idle and not disposed: the record says
    # when the decision was made, the plot only what it is now
    before = evaluate(site, plot, date(2026, 1, 31))
    assert "idle_a" in before.flags and "idle_disposed" not in before.flags
    assert missed.reason("idle.type_a")["values"]["deadline"] == "2026-09-30"
    # the clean-up list counts down to the deadline, then counts the days over it
    listed = client.get("/api/v1/cleanup/idle?park=JSCY&as_of=2026-09-20&land_user=闲置公司"
                        ).get_json()["plots"]
    assert [(p["deadline_on"], p["days_left"]) for p in listed] == [("2026-09-30", 10)]
    over = client.get("/api/v1/cleanup/idle?park=JSCY&as_of=2026-10-03&land_user=闲置公司"
                      "&kind=idle_a").get_json()["plots"]
    assert [p["days_over"] for p in over] == [3]


def test_every_decision_is_kept_audited_and_the_latest_is_the_plots(client, conn, idle):
    plot = idle["plot"]
    api_login(client, "planner")
    first = _post(client, plot.id, idle["version"], **DEADLINE).get_json()
    fee = _post(client, plot.id, first["version"], kind="fee", decided_on="2026-11-01",
                amount=200.0, doc_no="荆开管〔2026〕30号")
    assert fee.status_code == 201, fee.get_data(as_text=True)
    change = _post(client, plot.id, fee.get_json()["version"], kind="change_use",
                   decided_on="2026-11-02", doc_no="荆开管〔2026〕31号")
    assert change.status_code == 201, change.get_data(as_text=True)
    history = client.get(f"/api/v1/plots/{plot.id}/disposals").get_json()["history"]
    assert [d["kind"] for d in history] == ["change_use", "fee", "deadline"]
    assert [d["recorded_by"] for d in history] == ["test-planner"] * 3
    assert history[1]["amount"] == 200.0
    row = conn.execute("SELECT disposal, disposal_on FROM plots WHERE id = %s",
                       (plot.id,)).fetchone()
    assert (row["disposal"], row["disposal_on"]) == ("change_use", date(2026, 11, 2))
    # as of each date the status engine reads the decision in force then
    site = idle["site"]
    said = {day: evaluate(site, plot, day).reason("idle.disposed") for day in (
        date(2026, 3, 1), date(2026, 11, 1), date(2026, 11, 2))}
    assert [r["values"]["disposal"] for r in said.values()] == ["deadline", "fee", "change_use"]
    audited = conn.execute("SELECT table_name, actor FROM audit_log WHERE (table_name = "
                           "'plot_disposals' AND action = 'insert') OR (table_name = 'plots' "
                           "AND row_id = %s AND action = 'update')", (str(plot.id),)).fetchall()
    assert sorted(r["table_name"] for r in audited) == ["plot_disposals"] * 3 + ["plots"] * 3
    assert {r["actor"] for r in audited} == {"test-planner"}
    # a decision dated before the latest one is refused
    early = _post(client, plot.id, change.get_json()["version"], kind="reclaimed",
                  decided_on="2026-10-01", doc_no="x")
    assert api_error(early, 400)["code"] == "decision_before_latest"


def test_a_stale_version_is_a_409_carrying_the_other_decision(client, conn, idle):
    plot = idle["plot"]
    api_login(client, "planner")
    assert _post(client, plot.id, idle["version"], **DEADLINE).status_code == 201
    stale = _post(client, plot.id, idle["version"], kind="reclaimed", decided_on="2026-11-01",
                  doc_no="荆开管〔2026〕40号", lang="zh")
    error = api_error(stale, 409)
    assert CJK.search(error["message"])
    assert error["details"]["current"]["properties"]["disposal"] == "deadline"
    assert [d["doc_no"] for d in error["details"]["current"]["disposals"]] == [DEADLINE["doc_no"]]
    assert conn.execute("SELECT count(*) AS n FROM plot_disposals WHERE plot_id = %s",
                        (plot.id,)).fetchone()["n"] == 1


@pytest.mark.parametrize(("props", "code"), [
    ({"kind": "fee", "decided_on": "2026-02-01", "amount": -5, "doc_no": "x"}, "bad_request"),
    ({"kind": "fee", "decided_on": "2026-02-01", "amount": "many", "doc_no": "x"}, "bad_request"),
    ({"kind": "fee", "decided_on": "2026-02-01", "doc_no": "x"}, "amount_needed"),
    ({"kind": "reclaimed", "decided_on": "2026-02-01", "amount": 5, "doc_no": "x"}, "no_amount"),
    ({**DEADLINE, "deadline_on": "2026-01-31"}, "deadline_before_decision"),
    ({**DEADLINE, "deadline_on": "2026-02-01"}, "deadline_before_decision"),
    ({**DEADLINE, "deadline_on": None}, "deadline_needed"),
    ({**DEADLINE, "kind": "exchange"}, "no_deadline"),
    ({**DEADLINE, "decided_on": "2099-01-01", "deadline_on": "2099-06-01"}, "decision_in_future"),
    ({**DEADLINE, "doc_no": "   "}, "bad_request"),
    ({**DEADLINE, "kind": "burn"}, "bad_request"),
    ({**DEADLINE, "decided_on": "2026-02-30"}, "bad_request"),
])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_refusals_come_from_the_catalogue_in_both_languages(client, conn, idle, props, code,
                                                            lang):
    api_login(client, "planner")
    error = api_error(_post(client, idle["plot"].id, idle["version"], lang=lang, **props), 400)
    assert error["code"] == code or (code == "bad_request" and error["code"] != "conflict")
    assert bool(CJK.search(error["message"])) == (lang == "zh"), error["message"]
    assert "violates" not in error["message"] and "constraint" not in error["message"]
    assert conn.execute("SELECT count(*) AS n FROM plot_disposals").fetchone()["n"] == 0


def test_a_viewer_may_read_but_not_record(client, idle):
    api_login(client, "viewer")
    assert client.get(f"/api/v1/plots/{idle['plot'].id}/disposals").status_code == 200
    error = api_error(_post(client, idle["plot"].id, idle["version"], lang="zh", **DEADLINE),
                      403)
    assert CJK.search(error["message"])
    assert client.get(f"/plots/{idle['plot'].id}/disposal").status_code == 403


def test_every_constraint_of_the_record_has_words_in_the_catalogue(conn):
    names = {r["conname"] for r in conn.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = 'plot_disposals'::regclass "
        "AND contype = 'c'")}
    assert names and names <= set(errors.PROBLEMS), names - set(errors.PROBLEMS)
    assert "plots_disposal_check" in errors.PROBLEMS
    assert "change_use" in conn.execute(
        "SELECT pg_get_constraintdef(oid) AS d FROM pg_constraint "
        "WHERE conname = 'plots_disposal_check'").fetchone()["d"]


def test_the_form_prefills_the_fee_and_shows_the_other_decision_on_a_409(client, conn, idle):
    plot = idle["plot"]
    login(client, "planner")
    page = client.get(f"/plots/{plot.id}/disposal?lang=en").get_data(as_text=True)
    assert 'data-fee="200.0"' in page and "20% of the land price" in page
    form = {"csrf_token": csrf_token(client, f"/plots/{plot.id}/disposal"),
            "version": str(idle["version"]), "kind": "fee", "decided_on": "2026-03-01",
            "amount": "200", "doc_no": "荆开管〔2026〕5号", "note": "",
            "back": "/cleanup/idle"}
    saved = client.post(f"/plots/{plot.id}/disposal", data=form)
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/cleanup/idle")
    again = client.post(f"/plots/{plot.id}/disposal?lang=en",
                        data={**form, "kind": "reclaimed", "amount": "", "doc_no": "other"})
    assert again.status_code == 409
    html = again.get_data(as_text=True)
    assert 'id="pa-disposal-error"' in html and "荆开管〔2026〕5号" in html  # the other decision
    assert 'value="other"' in html  # what was typed stays
