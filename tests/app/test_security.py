"""Security headers on pages and API answers (issue 9), and the 503 of a database outage."""

from __future__ import annotations

import logging
import re
import socket
import threading
import time
from contextlib import suppress

import psycopg
import pytest
from flask import request

from tests.builders import app_url, make_app
from tests.client import api_error, api_login, login

COMMON = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
          "Referrer-Policy": "same-origin"}
PAGES = ["/", "/idle", "/priorities", "/plans", "/rates", "/login", "/no-such-page"]
API = ["/api/v1/", "/api/v1/parks", "/api/v1/plots?limit=1", "/api/v1/plans",
       "/api/v1/no-such-thing"]


def csp(response) -> dict:
    """The Content-Security-Policy as directive → value."""
    policy = response.headers["Content-Security-Policy"]
    return dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";"))


def assert_common(response):
    for name, value in COMMON.items():
        assert response.headers.get(name) == value, (name, response.headers)


def test_every_page_has_the_headers_and_a_nonce_only_script_policy(client):
    login(client, "planner")
    plan = client.get("/plans").get_data(as_text=True)
    paths = PAGES + sorted(set(re.findall(r'href="(/plans/\d+)"', plan)))[:1]
    for path in paths:
        response = client.get(path)
        assert response.mimetype == "text/html", path
        assert_common(response)
        policy = csp(response)
        assert policy["frame-ancestors"] == "'none'"
        assert policy["object-src"] == "'none'"
        script = policy["script-src"]
        # no page evaluates strings: never 'unsafe-eval' (the map's measure tool needs none)
        nonce = re.fullmatch(r"'self' 'nonce-([A-Za-z0-9_-]{16,})'", script)[1]
        assert response.headers["Cache-Control"] == "no-store", path
        assert "Strict-Transport-Security" not in response.headers
        # Every inline script of the page carries this response's nonce.
        html = response.get_data(as_text=True)
        for tag in re.findall(r"<script\b[^>]*>", html):
            if "src=" not in tag and "application/json" not in tag:
                assert f'nonce="{nonce}"' in tag, (path, tag)


def test_the_nonce_is_new_on_every_response(client):
    login(client, "viewer")
    first, second = client.get("/"), client.get("/")
    assert csp(first)["script-src"] != csp(second)["script-src"]
    nonce = re.search(r"'nonce-([^']+)'", csp(first)["script-src"])[1]
    assert f'nonce="{nonce}"' in first.get_data(as_text=True)


def test_api_answers_have_the_headers_and_are_not_cached(client):
    login(client, "viewer")
    for path in API:
        response = client.get(path)
        assert response.mimetype.endswith("json"), path
        assert_common(response)
        assert response.headers["Cache-Control"] == "no-store", path
    anonymous = client.application.test_client().get("/api/v1/plots")
    assert anonymous.status_code == 401
    assert_common(anonymous)
    assert anonymous.headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached_but_not_sniffed(client):
    response = client.get("/static/js/parkatlas-map.js")
    assert response.status_code == 200
    assert_common(response)
    assert response.headers.get("Cache-Control") != "no-store"


def test_hsts_only_over_https(db_url):
    app = make_app(db_url, SESSION_COOKIE_SECURE=True)
    try:
        response = app.test_client().get("/login", base_url="https://localhost")
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    finally:
        app.extensions["parkatlas_pool"].close()


@pytest.mark.parametrize("proxies, expected", [(0, "127.0.0.1"), (1, "203.0.113.9")])
def test_forwarded_address_is_trusted_only_behind_a_proxy(db_url, proxies, expected):
    app = make_app(db_url, PROXY_COUNT=proxies)
    seen = []
    app.before_request(lambda: seen.append(request.remote_addr))
    try:
        app.test_client().get("/login", headers={"X-Forwarded-For": "203.0.113.9"},
                              environ_base={"REMOTE_ADDR": "127.0.0.1"})
        assert seen == [expected]
    finally:
        app.extensions["parkatlas_pool"].close()


# ---------------------------------------------------------------------------------------
# Database down → 503
# ---------------------------------------------------------------------------------------

class Relay:
    """A TCP relay on a local port to the test PostgreSQL, which a test can cut (every
    connection dropped, the port closed: the database is "down") and restore."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.listener = None
        self.sockets: list[socket.socket] = []

    def up(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def down(self) -> None:
        with suppress(OSError):  # wakes the thread blocked in accept(), which close() does not
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        for sock in self.sockets:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets.clear()

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


@pytest.fixture
def relay_app(db_url):
    """The app connected through a Relay (down at first) to the test database."""
    info = psycopg.conninfo.conninfo_to_dict(app_url(db_url))
    relay = Relay(info.get("host") or "127.0.0.1", int(info.get("port") or 5432))
    if str(info.get("host", "")).startswith("/"):
        pytest.skip("the test database is reached through a Unix socket")
    info.update(host="127.0.0.1", port=relay.port, connect_timeout=2)
    app = make_app(db_url, DATABASE_URL=psycopg.conninfo.make_conninfo(**info),
                   DB_WAIT_SECONDS=0.5)
    yield app, relay
    app.extensions["parkatlas_pool"].close(timeout=1)
    with suppress(Exception):
        relay.down()


def outage_logs(caplog) -> list:
    return [r for r in caplog.records if r.name == "app.web_db"]


def assert_unavailable_page(response, text: str):
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert_common(response)
    html = response.get_data(as_text=True)
    assert text in html and "database_unavailable" in html
    assert "Traceback" not in html


def test_database_down_answers_503_in_the_users_language_and_logs_once(relay_app, caplog):
    app, relay = relay_app
    client = app.test_client()
    relay.up()
    login(client, "viewer")
    relay.down()
    caplog.set_level(logging.WARNING, logger="app.web_db")
    assert_unavailable_page(client.get("/"), "数据库暂时不可用")
    assert_unavailable_page(client.get("/plans?lang=en"), "The database is unavailable")
    bearer = {"Authorization": "Bearer not-checked-while-down"}
    assert api_error(app.test_client().get("/api/v1/plots", headers=bearer),
                     503)["code"] == "database_unavailable"
    error = api_error(client.get("/api/v1/plots", headers={"Accept-Language": "en"}), 503)
    assert error["code"] == "database_unavailable"
    assert "unavailable" in error["message"]
    assert "数据库" in api_error(client.get("/api/v1/parks?lang=zh"), 503)["message"]
    assert len(outage_logs(caplog)) == 1  # once per outage, not per request


def test_the_app_recovers_by_itself_and_a_second_outage_is_logged_again(relay_app, caplog):
    app, relay = relay_app
    caplog.set_level(logging.WARNING, logger="app.web_db")
    client = app.test_client()
    bearer = {"Authorization": "Bearer not-checked-while-down"}
    assert client.get("/api/v1/parks", headers=bearer).status_code == 503
    relay.up()
    assert client.get("/login").status_code == 200
    # the pool reconnects in the background: a loaded machine may need a few tries
    assert _once_back(lambda: client.get("/api/v1/parks", headers=bearer)).status_code == 401
    login(client, "viewer")
    assert client.get("/api/v1/parks").status_code == 200
    relay.down()  # the pooled connections die with it
    assert_unavailable_page(client.get("/", headers={"Accept-Language": "zh"}), "数据库")
    assert api_error(client.get("/api/v1/parks"), 503)["code"] == "database_unavailable"
    relay.up()
    # still logged in once the pool has reconnected (on a loaded machine that can take
    # longer than one request's 0.5 s wait for a connection)
    assert _once_back(lambda: client.get("/api/v1/parks")).status_code == 200
    messages = [r.getMessage() for r in outage_logs(caplog)]
    assert [m.split(",")[0].split(" after")[0] for m in messages] == [
        "database unavailable", "database available again",
        "database unavailable", "database available again"], messages


def test_pooled_connections_the_server_ended_are_replaced_before_a_request_uses_them(
        db_url, conn):
    """A request authenticated by its session or token names its user in the same query
    (no round trip to probe the pooled connection first): a connection the server ended
    while it sat in the pool is still found and replaced, and the writes are the user's."""
    app = make_app(db_url, DB_POOL_MAX=2)
    client = api_login(app.test_client(), "planner")
    assert client.get("/api/v1/parks").status_code == 200
    ended = conn.execute(
        """SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) AS n
           FROM pg_stat_activity WHERE datname = current_database()
             AND pid <> pg_backend_pid() AND backend_type = 'client backend'""").fetchone()
    assert ended["n"] > 0
    assert client.get("/api/v1/parks").status_code == 200
    plot = conn.execute("SELECT id, version FROM plots ORDER BY id LIMIT 1").fetchone()
    edited = client.patch(f"/api/v1/plots/{plot['id']}", json={
        "version": plot["version"], "properties": {"name": "池中连接"}})
    assert edited.status_code == 200, edited.get_json()
    actor = conn.execute("""SELECT actor FROM audit_log WHERE table_name = 'plots'
                            ORDER BY id DESC LIMIT 1""").fetchone()["actor"]
    assert actor == "test-planner"
    app.extensions["parkatlas_pool"].close(timeout=1)


def _once_back(request, within: float = 15.0):
    """The first answer of `request` that is not a 503, retried for up to `within` s."""
    deadline = time.monotonic() + within
    while (response := request()).status_code == 503 and time.monotonic() < deadline:
        time.sleep(0.2)
    return response
