"""Whole-park answers kept per data version (app/answers.py, migration 0034): the status
summary and the infrastructure priority through the API are the direct computation's, are
kept, are recomputed after an edit, and a computation not ready in time is a 503
`computing` with Retry-After, then the kept answer."""

from __future__ import annotations

import io
import json
import threading
from datetime import date

import openpyxl
import pytest
from flask_babel import gettext

from app import answers, parks, readiness, status
from app.dashboard import document, overview
from app.errors import localized
from app.indicators import indicator
from tests.client import login

API = "/api/v1"
OTHER_DAY = date(2027, 6, 1)


@pytest.fixture
def viewer(client):
    return login(client, "viewer")


def _park(conn) -> int:
    return conn.execute("SELECT min(id) AS id FROM parks").fetchone()["id"]


def _kept(conn, kind: str) -> list[dict]:
    return list(conn.execute("SELECT as_of, data_version FROM park_answers WHERE kind = %s "
                             "ORDER BY as_of", (kind,)))


def _version(conn, park: int) -> int:
    return conn.execute("SELECT data_version AS v FROM parks WHERE id = %s",
                        (park,)).fetchone()["v"]


def _plain(data) -> object:
    """As JSON carries it (dates as ISO text)."""
    return json.loads(json.dumps(data, default=str))


def _get(client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


@pytest.mark.parametrize("day", [None, OTHER_DAY])
def test_the_summary_is_the_direct_computation_and_is_kept(viewer, conn, day):
    park = _park(conn)
    query = f"?park={park}" + (f"&as_of={day}" if day else "")
    first = _get(viewer, f"{API}/status/summary{query}")
    assert first == _plain(status.summary(conn, park, day))
    kept = _kept(conn, "summary")
    assert [k["data_version"] for k in kept] == [_version(conn, park)]
    assert kept[0]["as_of"] == date.fromisoformat(first["evaluated_on"])
    # read again: the kept answer, the same body
    assert _get(viewer, f"{API}/status/summary{query}") == first


def test_an_edit_makes_the_summary_be_computed_again(viewer, conn):
    park = _park(conn)
    path = f"{API}/status/summary?park={park}&as_of={OTHER_DAY}"
    before = _get(viewer, path)
    version = _version(conn, park)
    # levelling a plot moves it to another readiness level
    conn.execute("UPDATE plots SET levelled = NOT levelled WHERE id = "
                 "(SELECT min(id) FROM plots WHERE park_id = %s)", (park,))
    assert _version(conn, park) > version
    after = _get(viewer, path)
    assert after != before
    assert after == _plain(status.summary(conn, park, OTHER_DAY))
    assert [k["data_version"] for k in _kept(conn, "summary")] == [_version(conn, park)]


def test_an_edit_makes_the_priority_be_computed_again(viewer, conn):
    park = _park(conn)
    path = f"{API}/readiness/priority?park={park}&as_of={OTHER_DAY}"
    before = _get(viewer, path)
    assert before == _plain(readiness.priority(conn, park, OTHER_DAY)["collection"])
    top = before["features"][0]["properties"]
    table = "networks" if top["kind"] == "network" else "roads"
    # the first work is built: it leaves the ranking
    conn.execute(f"UPDATE {table} SET status = 'in_service' WHERE id = %s",  # noqa: S608
                 (top["feature_id"],))
    after = _get(viewer, path)
    assert before["features"][0]["id"] not in {f["id"] for f in after["features"]}
    assert len(after["features"]) == len(before["features"]) - 1
    assert after == _plain(readiness.priority(conn, park, OTHER_DAY)["collection"])


def test_a_reference_table_change_forgets_every_answer(viewer, conn):
    park = _park(conn)
    _get(viewer, f"{API}/status/summary?park={park}")
    assert _kept(conn, "summary")
    conn.execute("UPDATE industries SET code = code "
                 "WHERE code = (SELECT min(code) FROM industries)")
    assert _kept(conn, "summary") == []


def test_an_answer_not_ready_in_time_is_a_503_then_the_kept_answer(viewer, app, conn,
                                                                   monkeypatch):
    park = _park(conn)
    release = threading.Event()
    compute = answers.KINDS["summary"]
    calls = []

    def slow(c, park_id, day):
        calls.append(day)
        release.wait(30)
        return compute(c, park_id, day)

    monkeypatch.setitem(answers.KINDS, "summary", slow)
    app.config["ANSWER_WAIT_SECONDS"] = 0.05
    path = f"{API}/status/summary?park={park}&as_of={OTHER_DAY}&lang=en"
    response = viewer.get(path)
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["code"] == "computing"
    assert int(response.headers["Retry-After"]) == error["details"]["retry_after"] >= 1
    assert "being computed" in error["message"]
    # asked again while it runs: the same computation, not a second one
    assert viewer.get(path).status_code == 503
    release.set()
    app.config["ANSWER_WAIT_SECONDS"] = 30
    assert _get(viewer, path) == _plain(compute(conn, park, OTHER_DAY))
    assert len(_kept(conn, "summary")) == 1
    assert calls == [OTHER_DAY]


def test_the_computing_message_is_in_chinese_by_default(viewer, app, conn, monkeypatch):
    release = threading.Event()
    monkeypatch.setitem(answers.KINDS, "summary", lambda *a: release.wait(30) and {})
    app.config["ANSWER_WAIT_SECONDS"] = 0.05
    try:
        error = viewer.get(f"{API}/status/summary?park={_park(conn)}&as_of={OTHER_DAY}"
                           ).get_json()["error"]
        assert "正在计算" in error["message"]
    finally:
        release.set()
        _wait_for_computations()


def _wait_for_computations() -> None:
    """No computation left running on this test's database when it is dropped."""
    for future, _started in list(answers._running.values()):
        future.result(timeout=30)


@pytest.mark.parametrize("path", ["status/summary", "readiness/priority"])
def test_an_unknown_park_is_a_404(viewer, path):
    response = viewer.get(f"{API}/{path}?park=999999&lang=en")
    assert response.status_code == 404
    assert response.get_json()["error"]["message"] == "no park with id 999999"


def test_the_openapi_document_tells_of_the_503(client):
    paths = client.get(f"{API}/openapi.json").get_json()["paths"]
    for path in ("/status/summary", "/readiness/priority"):
        assert "Retry-After" in paths[path]["get"]["responses"]["503"]["headers"]


def test_the_indicators_are_kept_and_read_as_the_direct_computation(viewer, app, conn):
    park = _park(conn)
    first = _get(viewer, f"{API}/indicators?park={park}&as_of={OTHER_DAY}")
    assert first == _plain(_localized(app, indicator.evaluate(conn, park, OTHER_DAY)))
    assert [k["as_of"] for k in _kept(conn, "indicators")] == [OTHER_DAY]
    # a zone's readings come from the same kept rows
    zone = first["zones"][0]
    one = _get(viewer, f"{API}/indicators?park={park}&as_of={OTHER_DAY}&zone={zone['code']}")
    assert one["zones"] == [zone] and one["park"] == first["park"]
    assert len(_kept(conn, "indicators")) == 1


def test_the_dashboard_reads_its_whole_park_parts_kept_and_an_edit_renews_them(viewer, conn):
    park = _park(conn)
    assert viewer.get(f"/dashboard?park={park}").status_code == 200
    kinds = ("indicators", "summary", "priority_top")
    version = _version(conn, park)
    assert {k: [r["data_version"] for r in _kept(conn, k)] for k in kinds} == {
        k: [version] for k in kinds}
    conn.execute("UPDATE plots SET levelled = NOT levelled WHERE id = "
                 "(SELECT min(id) FROM plots WHERE park_id = %s)", (park,))
    assert viewer.get(f"/dashboard?park={park}").status_code == 200
    assert {k: [r["data_version"] for r in _kept(conn, k)] for k in kinds} == {
        k: [_version(conn, park)] for k in kinds}
    # the kept parts are what the dashboard computes directly
    page = viewer.get(f"/dashboard/export?park={park}&kind=xlsx").data
    direct = document.xlsx(overview.overview(conn, park), parks.get(conn, park)["properties"],
                           "zh")
    assert _cells(page) == _cells(direct)


@pytest.mark.parametrize("lang, words", [("zh", "正在计算"), ("en", "being computed")])
def test_the_dashboard_being_computed_reloads_itself(viewer, app, conn, monkeypatch, lang,
                                                     words):
    release = threading.Event()
    monkeypatch.setitem(answers.KINDS, "indicators", lambda *a: release.wait(30) and [])
    app.config["ANSWER_WAIT_SECONDS"] = 0.05
    try:
        response = viewer.get(f"/dashboard?park={_park(conn)}&lang={lang}")
        assert response.status_code == 503
        retry = int(response.headers["Retry-After"])
        page = response.get_data(as_text=True)
        assert words in page
        assert f'<meta http-equiv="refresh" content="{retry}">' in page
    finally:
        release.set()
        _wait_for_computations()


def _localized(app, found: dict) -> dict:
    with app.test_request_context("/"):
        return localized(found, gettext)


def _cells(workbook: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    return [[c.value for c in row] for ws in book for row in ws.iter_rows()]
