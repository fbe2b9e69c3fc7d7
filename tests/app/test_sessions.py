"""Sessions and tokens end on the server; failed logins are throttled (issue 9).

A copy of a session cookie is worth nothing once the session has ended, whether by logout,
password change or disabling the user; tokens expire and can be revoked; too many failed
logins for an account or from an address get a 429 for the rest of the window.
"""

from __future__ import annotations

import pytest

from app import users
from tests.builders import DEMO_PASSWORDS
from tests.client import api_error, csrf_token, login

SESSION_COOKIE = "session"


def _copy_session(app, source):
    """A second client that holds a copy of `source`'s session cookie."""
    thief = app.test_client()
    thief.set_cookie(SESSION_COOKIE, source.get_cookie(SESSION_COOKIE).value)
    return thief


def _post_login(client, username, password):
    return client.post("/login?lang=en", data={"username": username, "password": password,
                                               "csrf_token": csrf_token(client)})


def test_a_copied_cookie_stops_working_after_logout(app, client):
    login(client, "planner")
    thief = _copy_session(app, client)
    assert thief.get("/api/v1/plots?limit=1").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    api_error(thief.get("/api/v1/plots?limit=1"), 401)
    api_error(client.get("/api/v1/plots?limit=1"), 401)


def test_logout_is_recorded(app, client, conn):
    login(client, "viewer")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    events = [r["event"] for r in conn.execute(
        "SELECT event FROM auth_events WHERE username = 'test-viewer' ORDER BY id")]
    assert events == ["login", "logout"]
    audited = conn.execute("""SELECT count(*) AS n FROM audit_log
                              WHERE table_name = 'auth_events'""").fetchone()["n"]
    assert audited == 2


def test_password_change_ends_every_session_and_token(app, client, conn):
    login(client, "planner")
    other = login(app.test_client(), "planner")
    token = users.issue_token(conn, "test-planner")
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/plots?limit=1", headers=bearer).status_code == 200
    users.set_password(conn, "test-planner", "a-new-password-1")
    for who in (client, other):
        api_error(who.get("/api/v1/plots?limit=1"), 401)
    api_error(app.test_client().get("/api/v1/plots?limit=1", headers=bearer), 401)
    assert _post_login(app.test_client(), "test-planner", "a-new-password-1").status_code == 302


def test_disabling_a_user_ends_their_session_and_tokens(app, client, conn):
    login(client, "viewer")
    token = users.issue_token(conn, "test-viewer")
    users.set_active(conn, "test-viewer", False)
    api_error(client.get("/api/v1/plots?limit=1"), 401)
    api_error(app.test_client().get("/api/v1/plots?limit=1",
                                    headers={"Authorization": f"Bearer {token}"}), 401)
    response = _post_login(app.test_client(), "test-viewer", DEMO_PASSWORDS["viewer"])
    assert response.status_code == 401
    users.set_active(conn, "test-viewer", True)
    assert list(users.list_tokens(conn, "test-viewer"))[0]["state"] == "revoked"


def test_an_idle_session_ends(app, client, conn):
    login(client, "viewer")
    assert client.get("/api/v1/plots?limit=1").status_code == 200
    conn.execute("UPDATE user_sessions SET last_seen_at = now() - interval '121 minutes'")
    api_error(client.get("/api/v1/plots?limit=1"), 401)


def test_a_session_ends_after_its_lifetime_however_busy(app, client, conn):
    login(client, "viewer")
    conn.execute("UPDATE user_sessions SET expires_at = now() - interval '1 second'")
    api_error(client.get("/api/v1/plots?limit=1"), 401)


def test_a_token_expires(app, client, conn):
    token = users.issue_token(conn, "test-viewer", days=1)
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/plots?limit=1", headers=bearer).status_code == 200
    [row] = users.list_tokens(conn, "test-viewer")
    assert row["state"] == "active" and row["last_used_at"] is not None
    conn.execute("UPDATE api_tokens SET expires_at = now() - interval '1 second'")
    api_error(client.get("/api/v1/plots?limit=1", headers=bearer), 401)
    assert users.list_tokens(conn, "test-viewer")[0]["state"] == "expired"


def test_one_token_is_revoked_and_the_other_still_works(app, client, conn):
    keep = users.issue_token(conn, "test-viewer", label="qgis")
    drop = users.issue_token(conn, "test-viewer", label="script")
    drop_id = next(t["id"] for t in users.list_tokens(conn, "test-viewer")
                   if t["label"] == "script")
    assert users.revoke_token(conn, "test-viewer", drop_id) == 1
    api_error(client.get("/api/v1/plots?limit=1",
                         headers={"Authorization": f"Bearer {drop}"}), 401)
    assert client.get("/api/v1/plots?limit=1",
                      headers={"Authorization": f"Bearer {keep}"}).status_code == 200


@pytest.mark.parametrize("days", [0, 367])
def test_a_token_lifetime_is_bounded(conn, days):
    with pytest.raises(users.BadRequest):
        users.issue_token(conn, "test-viewer", days=days)


def test_failed_logins_lock_the_account_for_the_window(app, conn):
    client = app.test_client()
    for _ in range(5):
        assert _post_login(client, "test-viewer", "wrong-password-1").status_code == 401
    refused = _post_login(client, "test-viewer", DEMO_PASSWORDS["viewer"])
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert "Too many failed logins" in refused.get_data(as_text=True)
    api_error(client.get("/api/v1/plots?limit=1"), 401)  # not logged in
    events = [r["event"] for r in conn.execute(
        "SELECT event FROM auth_events WHERE username = 'test-viewer' ORDER BY id")]
    assert events == ["login_failed"] * 5 + ["login_throttled"]
    # Another account from the same address is not locked by these five.
    assert _post_login(app.test_client(), "test-planner",
                       DEMO_PASSWORDS["planner"]).status_code == 302
    # When the window has passed, the right password logs in again.
    conn.execute("UPDATE auth_events SET at = at - interval '16 minutes'")
    assert _post_login(client, "test-viewer", DEMO_PASSWORDS["viewer"]).status_code == 302


def test_the_lock_message_is_in_chinese_by_default(app):
    client = app.test_client()
    for _ in range(5):
        client.post("/login", data={"username": "test-admin", "password": "nope-nope-1",
                                    "csrf_token": csrf_token(client)})
    refused = client.post("/login", data={"username": "test-admin", "password": "x" * 12,
                                          "csrf_token": csrf_token(client)})
    assert refused.status_code == 429
    assert "登录失败次数过多" in refused.get_data(as_text=True)


def test_a_successful_login_starts_the_account_count_again(app):
    client = app.test_client()
    for _ in range(4):
        _post_login(client, "test-viewer", "wrong-password-1")
    assert _post_login(client, "test-viewer", DEMO_PASSWORDS["viewer"]).status_code == 302
    other = app.test_client()
    for _ in range(4):
        assert _post_login(other, "test-viewer", "wrong-password-1").status_code == 401
    assert _post_login(other, "test-viewer", DEMO_PASSWORDS["viewer"]).status_code == 302


def test_many_failures_from_one_address_lock_it_for_every_account(app):
    client = app.test_client()
    for n in range(20):
        assert _post_login(client, f"nobody-{n}", "wrong-password-1").status_code == 401
    refused = _post_login(client, "test-planner", DEMO_PASSWORDS["planner"])
    assert refused.status_code == 429


def test_cli_lists_revokes_and_disables(db_url, monkeypatch):
    from click.testing import CliRunner

    from app import db
    from app.cli import main

    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("PARKATLAS_SECRET_KEY", "cli-test")

    def run(*args):
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    token = run("user", "token", "test-viewer", "--label", "QGIS", "--days", "30").output.strip()
    listed = run("user", "tokens", "test-viewer").output
    assert "active" in listed and "QGIS" in listed and token not in listed
    token_id = int(listed.split()[0])
    assert "Revoked 1" in run("user", "token", "test-viewer", "--revoke", str(token_id)).output
    assert "revoked" in run("user", "tokens", "test-viewer").output
    assert run("user", "token", "test-viewer", "--revoke", str(token_id)).exit_code != 0
    assert run("user", "token", "test-viewer", "--days", "400").exit_code != 0
    second = run("user", "token", "test-viewer").output.strip()
    assert "disabled" in run("user", "disable", "test-viewer").output
    with db.connect(db_url) as conn:
        assert users.by_token(conn, second) is None
    assert "enabled" in run("user", "enable", "test-viewer").output
