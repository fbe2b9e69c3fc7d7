"""Access rules: every route declares a level, and each principal gets what its role allows.

The table test (`test_access`) walks the app's URL map, so a new route is checked the day
it is added: without an @access rule it fails, and with one it is requested by every
principal (anonymous, guest, viewer, planner, admin) over every way of presenting itself (a
cookie session, with and without the CSRF token on unsafe methods; a Bearer token; HTTP
Basic with the token as the password, issue 14), and every method; the expected status
follows from the route's declared level.
"""

from __future__ import annotations

import base64
import os
from urllib.parse import parse_qs, quote, urljoin, urlsplit

import psycopg
import pytest
from psycopg import sql

from app import create_app, db, users
from app.auth import LEVELS, access_level
from tests.builders import DEMO_PASSWORDS, make_app
from tests.client import csrf_token, login

PRINCIPALS = ("anonymous", "guest", "viewer", "planner", "admin")
SKIPPED_METHODS = {"HEAD", "OPTIONS"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
SAMPLE_FILES = {"filename": "css/parkatlas.css"}
# path arguments with no table row to borrow (an import that does not exist: a 404)
SAMPLE_VALUES = {"import_id": 1, "fmt": "csv", "collection_id": "plots", "key": "development_rate",
                 "job_id": 1,  # a job (issue 14 item 5) of nobody: a 404
                 "list": "idle",  # a clean-up list (issue 15)
                 # a vector tile (issue 14) of the demo's centre, a layer a guest may read
                 "layer": "plots", "z": 14, "x": 13334, "y": 6788}
# path arguments read from the demo: the park's code and its current data version
SAMPLE_QUERIES = {"park_code": "SELECT code AS v FROM parks ORDER BY id LIMIT 1",
                  "data_version": "SELECT data_version AS v FROM parks ORDER BY id LIMIT 1"}
# paths that answer JSON, errors included: the API, the vector tiles and the basemap
JSON_PATHS = ("/api/", "/tiles/", "/basemap/")
# path arguments whose table is not simply the plural of their name
ID_TABLES = {"plan_id": "requisition_plans", "rate_id": "compensation_rates",
             "feature_id": "plots"}


def _url_map_app():
    """An app built only to read its URL map at collection time (no database is touched)."""
    return create_app({"TESTING": True, "SECRET_KEY": "collect-only",
                       "DATABASE_URL": "postgresql://unused@127.0.0.1:1/unused"})


def _transports(principal: str, method: str) -> list[str]:
    """How a principal presents itself: a cookie session (anonymous: none), without the
    CSRF token too on an unsafe method, a Bearer token, HTTP Basic with the token as the
    password (anonymous: a made-up one)."""
    unsafe = method not in SAFE_METHODS
    if principal == "anonymous":
        return ["cookie", *(["cookie-no-csrf"] if unsafe else []), "basic"]
    return ["cookie", *(["cookie-no-csrf"] if unsafe else []), "bearer", "basic"]


def _route_cases(matrix: bool = False):
    cases = []
    for rule in sorted(_url_map_app().url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        for method in sorted(rule.methods - SKIPPED_METHODS):
            if not matrix:
                cases.append(pytest.param(rule.endpoint, rule.rule, method,
                                          id=f"{method} {rule.rule}"))
                continue
            for principal in PRINCIPALS:
                for transport in _transports(principal, method):
                    cases.append(pytest.param(
                        rule.endpoint, rule.rule, method, principal, transport,
                        id=f"{method} {rule.rule} {principal} {transport}"))
    return cases


ROUTES = _route_cases()
MATRIX = _route_cases(matrix=True)


@pytest.fixture
def app(db_url):
    """The app with reading closed to anonymous users, whatever the environment says."""
    application = make_app(db_url, PUBLIC_READ=False)
    yield application
    application.extensions["parkatlas_pool"].close()


def _rank(role: str) -> int:
    return LEVELS.index(role)


def assert_json_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json", response.mimetype
    error = response.get_json()["error"]
    assert error["message"]
    if code:
        assert error["code"] == code, error
    return error


def sample_value(conn, name: str):
    """A real value from the demo for a path argument."""
    if name in SAMPLE_FILES:
        return SAMPLE_FILES[name]
    if name in SAMPLE_VALUES:
        return SAMPLE_VALUES[name]
    if name in SAMPLE_QUERIES:
        return conn.execute(SAMPLE_QUERIES[name]).fetchone()["v"]
    if name.endswith("_id"):
        table = ID_TABLES.get(name, name.removesuffix("_id") + "s")
        if conn.execute("SELECT to_regclass(%s) AS t", (table,)).fetchone()["t"]:
            row = conn.execute(f"SELECT min(id) AS id FROM {table}").fetchone()
            if row["id"] is not None:
                return row["id"]
    pytest.fail(f"no sample value for the path argument <{name}>: add one to test_auth.py")


def _body(conn, rule, values: dict) -> dict:
    """A plausible edit: the current version of the addressed record, no changes."""
    for name, value in values.items():
        if name.endswith("_id") and name not in SAMPLE_VALUES:
            table = ID_TABLES.get(name, name.removesuffix("_id") + "s")
            row = conn.execute(f"SELECT version FROM {table} WHERE id = %s", (value,)).fetchone()
            return {"version": row["version"], "properties": {}}
    return {}


def _client_as(app, conn, principal: str, transport: str):
    """A test client for the principal and the headers every request of it sends."""
    client = app.test_client()
    if transport == "bearer":
        return client, {"Authorization": f"Bearer {users.issue_token(conn, f'test-{principal}')}"}
    if transport == "basic":
        password = (users.issue_token(conn, f"test-{principal}") if principal != "anonymous"
                    else "nothing")
        basic = base64.b64encode(f"any-name:{password}".encode()).decode()
        return client, {"Authorization": f"Basic {basic}"}
    if principal != "anonymous":
        login(client, principal)
    return client, {}


def _request(client, conn, rule, method: str, headers: dict | None = None,
             with_csrf: bool = True):
    values = {name: sample_value(conn, name) for name in sorted(rule.arguments)}
    _domain, path = rule.build(values)
    kwargs = {"headers": dict(headers or {})}
    if method not in SAFE_METHODS:
        token = csrf_token(client, "/login") if with_csrf else None
        if token:
            kwargs["headers"]["X-CSRFToken"] = token
        if method == "POST":
            kwargs["data"] = {"csrf_token": token} if token else {}
        else:
            kwargs["json"] = _body(conn, rule, values)
    return path, client.open(path, method=method, **kwargs)


def test_every_route_has_an_access_rule(app):
    missing = [f"{r.rule} ({r.endpoint})" for r in app.url_map.iter_rules()
               if access_level(app, r.endpoint) is None]
    assert not missing, f"routes without @access(level): {missing}"
    assert all(access_level(app, r.endpoint) in LEVELS for r in app.url_map.iter_rules())


def test_a_route_without_a_rule_is_refused(db_url):
    app = make_app(db_url, PUBLIC_READ=True)
    app.add_url_rule("/unguarded", "unguarded", lambda: "secret")
    try:
        assert access_level(app, "unguarded") is None
        client = login(app.test_client(), "admin")
        response = client.get("/unguarded")
        assert response.status_code == 403
        assert "secret" not in response.get_data(as_text=True)
    finally:
        app.extensions["parkatlas_pool"].close()


class Shared:
    """One copy of the demo database and app for the matrix cases that write nothing (every
    safe request, and every refused one), with one client per principal and transport; a
    case that may write gets its own database (the `app` and `conn` fixtures)."""

    def __init__(self, app, conn):
        self.app, self.conn, self.clients = app, conn, {}

    def client(self, principal: str, transport: str):
        key = (principal, "cookie" if transport == "cookie-no-csrf" else transport)
        if key not in self.clients:
            self.clients[key] = _client_as(self.app, self.conn, *key)
        return self.clients[key]


@pytest.fixture(scope="module")
def shared(server_url, admin_conn, template_db):
    name = f"parkatlas_test_{os.getpid()}_access_matrix"
    admin_conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                       .format(sql.Identifier(name)))
    admin_conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
        sql.Identifier(name), sql.Identifier(template_db)))
    info = psycopg.conninfo.conninfo_to_dict(server_url)
    url = psycopg.conninfo.make_conninfo(**{**info, "dbname": name})
    application = make_app(url, PUBLIC_READ=False)
    try:
        with db.connect(url, actor="pytest") as conn:
            yield Shared(application, conn)
    finally:
        application.extensions["parkatlas_pool"].close()
        admin_conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                           .format(sql.Identifier(name)))


# Routes whose data is money: below planner only where the park's setting
# access.viewer_sees_money allows (off in the demo), whatever their level (test_roles.py).
MONEY_ENDPOINTS = {"web.rates_page", "api.rate_list"}
# Routes reading one plan: a viewer reads approved plans only (issue 11), and the sample
# plan (the demo's) is a draft: 403 (test_roles.py has the approved case).
DRAFT_PLAN_ENDPOINTS = {"web.plan_page", "api.plan_detail", "api.plan_plots", "api.plan_check",
                        "api.plan_result", "api.plan_export"}


def _allowed(level: str, principal: str, endpoint: str = "") -> bool:
    if endpoint in MONEY_ENDPOINTS | DRAFT_PLAN_ENDPOINTS and principal in ("guest", "viewer"):
        return False
    return level == "public" or (principal != "anonymous" and _rank(principal) >= _rank(level))


@pytest.mark.parametrize(("endpoint", "rule_text", "method", "principal", "transport"), MATRIX)
def test_access(shared, request, endpoint, rule_text, method, principal, transport):
    level = access_level(shared.app, endpoint)
    assert level in LEVELS, f"{endpoint} has no access rule"
    allowed = _allowed(level, principal, endpoint)
    if method not in SAFE_METHODS and allowed and transport in ("cookie", "bearer"):
        app, conn = request.getfixturevalue("app"), request.getfixturevalue("conn")
        client, headers = _client_as(app, conn, principal, transport)
    else:
        app, conn = shared.app, shared.conn
        client, headers = shared.client(principal, transport)
    rule = next(r for r in app.url_map.iter_rules()
                if r.rule == rule_text and r.endpoint == endpoint)
    path, response = _request(client, conn, rule, method, headers,
                              with_csrf=transport != "cookie-no-csrf")
    status = response.status_code
    body = response.get_data()[:300].decode(errors="replace")  # a tile is binary
    assert status < 500, (status, body)
    assert "Traceback" not in body and "violates" not in body, body
    if transport == "cookie-no-csrf":
        # a cookie is sent by any site: an unsafe request without the token is refused
        # before anything else is looked at
        assert status == 400, (status, body)
        if path.startswith(JSON_PATHS):
            assert_json_error(response, 400, "csrf_failed")
    elif allowed:
        assert status not in (401, 403), (status, body)
        assert "next=" not in (response.location or ""), "sent to the login page"
    elif principal == "anonymous":
        if path.startswith(JSON_PATHS):
            assert_json_error(response, 401, "unauthorized")
            assert response.headers["WWW-Authenticate"].lower().startswith("bearer")
        elif path.startswith("/ogc"):  # OGC API Features: JSON unless a page is asked for
            assert_json_error(response, 401, "unauthorized")
            assert response.headers["WWW-Authenticate"] == 'Basic realm="ParkAtlas"'
        else:
            assert status == 302, (status, body)
            target = urlsplit(response.location)
            assert target.path == "/login"
            assert parse_qs(target.query)["next"] == [path]
    else:
        assert status == 403, (status, body)
        if path.startswith(JSON_PATHS):
            assert_json_error(response, 403, "forbidden")
        else:
            assert response.mimetype == "text/html"


@pytest.fixture
def public_app(db_url):
    application = make_app(db_url, PUBLIC_READ=True)
    yield application
    application.extensions["parkatlas_pool"].close()


@pytest.mark.parametrize(("endpoint", "rule_text", "method"),
                         [c for c in ROUTES if c.values[2] in SAFE_METHODS])
def test_public_read_reads_as_a_guest(public_app, conn, endpoint, rule_text, method):
    """PARKATLAS_PUBLIC_READ=1: an anonymous reader gets what a guest gets, never more."""
    rule = next(r for r in public_app.url_map.iter_rules()
                if r.rule == rule_text and r.endpoint == endpoint)
    level = access_level(public_app, endpoint)
    path, response = _request(public_app.test_client(), conn, rule, method)
    status = response.status_code
    assert status < 500, (status, response.get_data(as_text=True)[:300])
    if level in ("public", "guest"):
        assert status not in (401, 403), status
    elif path.startswith(JSON_PATHS):
        assert_json_error(response, 401, "unauthorized")
    else:
        assert status == 302 and urlsplit(response.location).path == "/login", status


# --- logging in ----------------------------------------------------------------------------

def _post_login(client, username: str, password: str, query: str = ""):
    token = csrf_token(client, "/login")
    return client.post(f"/login{query}", data={"username": username, "password": password,
                                                "csrf_token": token})


def _logged_in(client) -> bool:
    with client.session_transaction() as session:
        return "_user_id" in session


@pytest.mark.parametrize(("username", "password"), [("test-viewer", "wrong-password-1"),
                                                    ("test-viewer", "planner-pass-123"),
                                                    ("nobody", "viewer-pass-123")])
def test_wrong_password_is_refused(client, username, password):
    response = _post_login(client, username, password)
    assert response.status_code == 401
    assert response.mimetype == "text/html"
    assert 'role="alert"' in response.get_data(as_text=True)
    assert not _logged_in(client)
    assert_json_error(client.get("/api/v1/plots"), 401)


@pytest.mark.parametrize(("username", "password"), [("test-viewer", ""), ("", "x")])
def test_empty_login_field_says_what_is_wrong(client, username, password):
    # the form is `novalidate`, so the browser sends empty fields: the page must say so
    response = _post_login(client, username, password, "?lang=en")
    assert response.status_code in (400, 401)
    assert 'role="alert"' in response.get_data(as_text=True)
    assert not _logged_in(client)


def test_wrong_password_shows_an_error(client):
    response = _post_login(client, "test-viewer", "wrong-password-1", "?lang=en")
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page
    assert "Wrong user name or password." in page
    assert "wrong-password-1" not in page
    assert not _logged_in(client)


def test_login_needs_the_csrf_token(client):
    csrf_token(client, "/login")
    response = client.post("/login", data={"username": "test-viewer",
                                            "password": DEMO_PASSWORDS["viewer"]})
    assert response.status_code == 400
    assert not _logged_in(client)


def test_login_then_logout(client):
    login(client, "viewer")
    assert _logged_in(client)
    assert client.get("/api/v1/plots?limit=1").status_code == 200
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/login")})
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/login"
    assert not _logged_in(client)
    assert_json_error(client.get("/api/v1/plots"), 401)


def test_login_returns_to_the_page_asked_for(client, conn):
    plot_id = conn.execute("SELECT min(id) AS id FROM plots").fetchone()["id"]
    first = client.get(f"/plots/{plot_id}")
    assert first.status_code == 302
    target = urlsplit(first.location)
    response = _post_login(client, "test-viewer", DEMO_PASSWORDS["viewer"], f"?{target.query}")
    assert response.status_code == 302
    assert response.location == f"/plots/{plot_id}"
    assert client.get(response.location).status_code == 200


@pytest.mark.parametrize("target", ["//evil.example", "http://evil.example"])
def test_login_redirect_to_another_site_goes_home(client, target):
    response = _post_login(client, "test-viewer", DEMO_PASSWORDS["viewer"],
                           f"?next={quote(target, safe='')}")
    assert response.status_code == 302
    assert response.location == "/", response.location


@pytest.mark.parametrize("target", ["https://evil.example/plots/1", "/\\evil.example",
                                    "\\\\evil.example", "javascript:alert(1)", "evil.example",
                                    "///evil.example", "/\t/evil.example", "http:evil.example"])
def test_login_redirects_only_to_local_paths(client, target):
    response = _post_login(client, "test-viewer", DEMO_PASSWORDS["viewer"],
                           f"?next={quote(target, safe='')}")
    assert response.status_code == 302
    # resolve the Location as a browser does (WHATWG URL: backslash is a slash)
    resolved = urlsplit(urljoin("http://localhost/", response.location.replace("\\", "/")))
    assert (resolved.scheme, resolved.netloc) == ("http", "localhost"), response.location


# --- CSRF ----------------------------------------------------------------------------------

def test_session_patch_without_csrf_token_is_refused(client, conn):
    login(client, "planner")
    plot = conn.execute("SELECT id, version, owner FROM plots ORDER BY id LIMIT 1").fetchone()
    body = {"version": plot["version"], "properties": {"owner": "CSRF"}}
    assert_json_error(client.patch(f"/api/v1/plots/{plot['id']}", json=body), 400,
                      "csrf_failed")
    assert_json_error(client.patch(f"/api/v1/plots/{plot['id']}", json=body,
                                   headers={"X-CSRFToken": "forged"}), 400, "csrf_failed")
    row = conn.execute("SELECT version, owner FROM plots WHERE id = %s",
                       (plot["id"],)).fetchone()
    assert row["version"] == plot["version"] and row["owner"] == plot["owner"]
    ok = client.patch(f"/api/v1/plots/{plot['id']}", json=body,
                      headers={"X-CSRFToken": csrf_token(client, "/")})
    assert ok.status_code == 200


def test_logout_needs_the_csrf_token(client):
    login(client, "viewer")
    response = client.post("/logout")
    assert response.status_code == 400
    assert _logged_in(client)
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    assert not _logged_in(client)


def test_csrf_token_of_another_session_is_refused(app, conn):
    other = app.test_client()
    login(other, "planner")
    stolen = csrf_token(other, "/")
    client = login(app.test_client(), "planner")
    plot = conn.execute("SELECT id, version FROM plots ORDER BY id LIMIT 1").fetchone()
    response = client.patch(f"/api/v1/plots/{plot['id']}", headers={"X-CSRFToken": stolen},
                            json={"version": plot["version"], "properties": {}})
    assert_json_error(response, 400, "csrf_failed")


# --- Bearer tokens -------------------------------------------------------------------------

def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_planner_token_reads_and_edits_without_csrf(client, conn):
    token = users.issue_token(conn, "test-planner")
    assert client.get("/api/v1/plots?limit=1", headers=_bearer(token)).status_code == 200
    plot = conn.execute("SELECT id, version FROM plots ORDER BY id LIMIT 1").fetchone()
    response = client.patch(f"/api/v1/plots/{plot['id']}", headers=_bearer(token),
                            json={"version": plot["version"], "properties": {"owner": "令牌"}})
    assert response.status_code == 200, response.get_data(as_text=True)
    row = conn.execute("SELECT version, owner FROM plots WHERE id = %s",
                       (plot["id"],)).fetchone()
    assert row["owner"] == "令牌" and row["version"] == plot["version"] + 1
    actor = conn.execute("SELECT actor FROM audit_log WHERE table_name = 'plots' AND row_id = %s"
                         " ORDER BY id DESC LIMIT 1", (str(plot["id"]),)).fetchone()["actor"]
    assert actor == "test-planner"


def test_token_does_not_open_a_session(client, conn):
    token = users.issue_token(conn, "test-planner")
    assert client.get("/api/v1/plots?limit=1", headers=_bearer(token)).status_code == 200
    assert not _logged_in(client)
    assert_json_error(client.get("/api/v1/plots?limit=1"), 401)


@pytest.mark.parametrize("header", ["Bearer pa_not-a-real-token", "bearer wrong"])
def test_wrong_token_is_a_401(client, header):
    response = client.get("/api/v1/plots", headers={"Authorization": header})
    assert_json_error(response, 401)
    assert response.headers["WWW-Authenticate"].lower().startswith("bearer")


def test_wrong_token_is_refused_even_with_a_session(client, conn):
    # A request that names a token is judged by that token; a bad token must not fall back
    # to the session cookie (which would also skip the CSRF check).
    login(client, "planner")
    plot = conn.execute("SELECT id, version, owner FROM plots ORDER BY id LIMIT 1").fetchone()
    response = client.patch(f"/api/v1/plots/{plot['id']}", headers=_bearer("pa_forged"),
                            json={"version": plot["version"], "properties": {"owner": "X"}})
    assert response.status_code in (400, 401), response.status_code
    row = conn.execute("SELECT owner FROM plots WHERE id = %s", (plot["id"],)).fetchone()
    assert row["owner"] == plot["owner"]


def test_viewer_token_cannot_edit(client, conn):
    token = users.issue_token(conn, "test-viewer")
    assert client.get("/api/v1/plots?limit=1", headers=_bearer(token)).status_code == 200
    plot = conn.execute("SELECT id, version FROM plots ORDER BY id LIMIT 1").fetchone()
    response = client.patch(f"/api/v1/plots/{plot['id']}", headers=_bearer(token),
                            json={"version": plot["version"], "properties": {"owner": "X"}})
    assert_json_error(response, 403, "forbidden")
    version = conn.execute("SELECT version FROM plots WHERE id = %s",
                           (plot["id"],)).fetchone()["version"]
    assert version == plot["version"]


def test_deactivated_user_loses_session_and_token(client, conn):
    token = users.issue_token(conn, "test-planner")
    login(client, "planner")
    conn.execute("UPDATE users SET active = false WHERE username = 'test-planner'")
    assert_json_error(client.get("/api/v1/plots?limit=1"), 401)
    fresh = client.application.test_client()
    assert_json_error(fresh.get("/api/v1/plots?limit=1", headers=_bearer(token)), 401)


# --- PUBLIC_READ ---------------------------------------------------------------------------

def test_public_read_opens_reading_only(db_url, conn):
    app = make_app(db_url, PUBLIC_READ=True)
    try:
        client = app.test_client()
        plot = conn.execute("SELECT id, version FROM plots ORDER BY id LIMIT 1").fetchone()
        assert client.get("/api/v1/plots?limit=1").status_code == 200
        assert client.get("/").status_code == 200
        # reading as a guest: the staff's plot page is closed
        assert client.get(f"/plots/{plot['id']}").status_code == 302
        response = client.patch(f"/api/v1/plots/{plot['id']}",
                                headers={"X-CSRFToken": csrf_token(client, "/")},
                                json={"version": plot["version"], "properties": {"owner": "X"}})
        assert_json_error(response, 401)
        version = conn.execute("SELECT version FROM plots WHERE id = %s",
                               (plot["id"],)).fetchone()["version"]
        assert version == plot["version"]
    finally:
        app.extensions["parkatlas_pool"].close()


def test_reading_is_closed_by_default(client, conn):
    assert_json_error(client.get("/api/v1/plots"), 401)
    assert client.get("/").status_code == 302


# --- cookies and secrets -------------------------------------------------------------------

def test_session_cookie_is_httponly_and_samesite_lax(client):
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"username": "test-viewer",
                                            "password": DEMO_PASSWORDS["viewer"],
                                            "csrf_token": token})
    assert response.status_code == 302
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    attributes = {part.strip().lower() for part in cookies[-1].split(";")[1:]}
    assert "httponly" in attributes
    assert "samesite=lax" in attributes


def test_passwords_are_argon2id_hashes(conn):
    rows = conn.execute("SELECT username, password_hash FROM users").fetchall()
    assert {r["username"] for r in rows} >= {f"test-{role}" for role in DEMO_PASSWORDS}
    for row in rows:
        assert row["password_hash"].startswith("$argon2id$"), row["username"]
        assert all(pw not in row["password_hash"] for pw in DEMO_PASSWORDS.values())


def test_audit_log_keeps_no_secrets(conn):
    users.set_password(conn, "test-viewer", "a-new-password-42")
    token = users.issue_token(conn, "test-planner")
    rows = conn.execute("SELECT action, before, after FROM audit_log "
                        "WHERE table_name IN ('users', 'api_tokens')").fetchall()
    actions = {r["action"] for r in rows}
    assert {"insert", "update"} <= actions
    for row in rows:
        for image in (row["before"], row["after"]):
            if image is not None:
                assert "password_hash" not in image and "token_sha256" not in image, image
    text = conn.execute("SELECT string_agg(coalesce(before::text, '') || coalesce(after::text, "
                        "''), ' ') AS t FROM audit_log").fetchone()["t"]
    for secret in (*DEMO_PASSWORDS.values(), "a-new-password-42", token, "$argon2"):
        assert secret not in text


# --- HTTP Basic (issue 14) --------------------------------------------------------------------

def test_basic_takes_a_token_as_password_never_a_login_password(client, conn):
    """QGIS and ArcGIS Pro send HTTP Basic: any user name, the personal API token as the
    password. A login password over Basic would sidestep the login throttle: refused."""
    def basic(user: str, password: str) -> dict:
        return {"Authorization": "Basic " + base64.b64encode(
            f"{user}:{password}".encode()).decode()}

    token = users.issue_token(conn, "test-viewer")
    assert client.get("/api/v1/zones", headers=basic("qgis", token)).status_code == 200
    refused = client.get("/api/v1/zones", headers=basic("test-viewer", DEMO_PASSWORDS["viewer"]))
    assert_json_error(refused, 401, "unauthorized")
    assert "Basic" in refused.headers["WWW-Authenticate"]
    page = client.get("/plans", headers=basic("qgis", token))
    assert page.status_code == 200 and page.mimetype == "text/html"
