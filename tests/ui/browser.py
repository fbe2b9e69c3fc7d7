"""Helpers for driving the app in Chromium (imported by the UI test modules; fixtures
stay in tests/ui/conftest.py)."""

from __future__ import annotations


def login(page, base_url: str, username: str, password: str) -> None:
    """Log in through the login form."""
    page.goto(base_url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
