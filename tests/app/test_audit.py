"""Audit log: database triggers record who changed what, before and after."""

import pytest

from app import plots
from app.db import set_actor
from app.errors import BadRequest, Conflict
from tests.client import csrf_token, login


def _audit(conn, table, row_id):
    return conn.execute("""SELECT actor, action, before, after FROM audit_log
                           WHERE table_name = %s AND row_id = %s ORDER BY id""",
                        [table, str(row_id)]).fetchall()


def _a_plot(conn):
    return conn.execute("SELECT id, version, name FROM plots ORDER BY id LIMIT 1").fetchone()


def test_api_edit_is_audited_with_the_acting_user(client, conn):
    plot = _a_plot(conn)
    login(client, "planner")
    response = client.patch(f"/api/v1/plots/{plot['id']}",
                            json={"version": plot["version"], "properties": {"name": "新名称"}},
                            headers={"X-CSRFToken": csrf_token(client, "/")})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["properties"]["version"] == plot["version"] + 1
    rows = [r for r in _audit(conn, "plots", plot["id"]) if r["action"] == "update"]
    assert len(rows) == 1
    assert rows[0]["actor"] == "test-planner"
    assert rows[0]["before"]["name"] == plot["name"]
    assert rows[0]["after"]["name"] == "新名称"
    assert rows[0]["after"]["version"] == plot["version"] + 1
    assert "geom_gk" not in rows[0]["after"]


def test_insert_and_delete_are_audited(conn):
    set_actor(conn, "auditor")
    zone = conn.execute("SELECT id FROM zones ORDER BY id LIMIT 1").fetchone()
    conn.execute("UPDATE zones SET name = name || '（改）' WHERE id = %s", [zone["id"]])
    conn.execute("DELETE FROM progress_reports WHERE id = (SELECT min(id) FROM progress_reports)")
    actions = conn.execute("""SELECT table_name, action FROM audit_log WHERE actor = 'auditor'
                              ORDER BY id""").fetchall()
    assert {"table_name": "zones", "action": "update"} in actions
    assert {"table_name": "progress_reports", "action": "delete"} in actions


def test_concurrent_edit_is_a_conflict_and_writes_nothing(conn):
    plot = _a_plot(conn)
    plots.update(conn, plot["id"], plot["version"], {"name": "first writer"})
    before = len(_audit(conn, "plots", plot["id"]))
    with pytest.raises(Conflict) as caught:
        plots.update(conn, plot["id"], plot["version"], {"name": "second writer"})
    assert caught.value.details["current_version"] == plot["version"] + 1
    # the conflict carries the plot as it is now, for the editor to compare (issue 10)
    assert caught.value.details["current"]["version"] == plot["version"] + 1
    assert conn.execute("SELECT name FROM plots WHERE id = %s",
                        [plot["id"]]).fetchone()["name"] == "first writer"
    assert len(_audit(conn, "plots", plot["id"])) == before


def test_refused_edit_leaves_no_audit_row(conn):
    plot = conn.execute("SELECT id, version FROM plots WHERE approved_on IS NOT NULL "
                        "ORDER BY id LIMIT 1").fetchone()
    before = len(_audit(conn, "plots", plot["id"]))
    with pytest.raises(BadRequest):
        plots.update(conn, plot["id"], plot["version"], {"approved_on": "2099-01-01",
                                                         "supplied_on": "2098-01-01"})
    assert len(_audit(conn, "plots", plot["id"])) == before
