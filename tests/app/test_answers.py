"""Whole-park answers kept per data version (app/answers.py, migration 0034): the status
summary and the infrastructure priority through the API are the direct computation's, are
kept, are recomputed after an edit, and a computation not ready in time is a 503
`computing` with Retry-After, then the kept answer."""

from __future__ import annotations

import json
import threading
from datetime import date

import pytest

from app import answers, readiness, status
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
