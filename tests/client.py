"""Helpers for driving the app's test client: the CSRF token, logging in, the API's error
shape. Test modules import these; fixtures stay in tests/conftest.py."""

from __future__ import annotations

import re

from tests.builders import DEMO_PASSWORDS


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token a page of the session embeds."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match[1]


def api_error(response, status: int) -> dict:
    """The response is the API's JSON error with this status; return the error object."""
    assert response.status_code == status, response.get_data(as_text=True)[:1000]
    assert response.mimetype == "application/json", response.mimetype
    body = response.get_json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert isinstance(error.get("code"), str) and error["code"], body
    assert isinstance(error.get("message"), str) and error["message"], body
    return error


def login(client, role: str):
    """Log the test client in through the login form as the test user of a role."""
    token = csrf_token(client)
    response = client.post("/login", data={"username": f"test-{role}",
                                           "password": DEMO_PASSWORDS[role],
                                           "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def api_login(client, role: str):
    """Log in as the test user of a role and send the CSRF token with every request (for
    API writes with a session cookie)."""
    login(client, role)
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(client, "/")
    return client
