"""Headless Chromium fixtures for the UI tests.

Debian's /usr/bin/chromium is driven by Playwright (never a downloaded browser).
`ui_page` records console messages, page errors and every request, so a test can
assert that a page logged no error and asked nothing of another host.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from tests.builders import make_app, serving

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def chromium_path() -> str:
    """The system Chromium (PARKATLAS_CHROMIUM overrides)."""
    path = os.environ.get("PARKATLAS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        pytest.fail(f"Chromium not found at {path}: install Debian's 'chromium' package "
                    "(make test does) or set PARKATLAS_CHROMIUM")
    return path


@dataclass
class PageRecord:
    """What a page did while a test drove it."""

    console: list = field(default_factory=list)  # (type, text, url)
    page_errors: list = field(default_factory=list)
    requests: list = field(default_factory=list)

    def console_errors(self) -> list:
        return [m for m in self.console if m[0] == "error"]

    def external_requests(self) -> list:
        return [url for url in self.requests
                if urlsplit(url).scheme in ("http", "https", "ws", "wss")
                and urlsplit(url).hostname not in LOCAL_HOSTS]


@pytest.fixture(scope="session")
def chromium_browser():
    """One headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(),
                                             args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def open_page(browser, width: int = 1400, height: int = 900):
    """A page in a fresh browser context (zh-CN) and the PageRecord of its activity."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    record = PageRecord()
    page.on("console", lambda msg: record.console.append(
        (msg.type, msg.text, (msg.location or {}).get("url"))))
    page.on("pageerror", lambda exc: record.page_errors.append(str(exc)))
    page.on("request", lambda request: record.requests.append(request.url))
    return page, record


@pytest.fixture
def ui_page(chromium_browser):
    """A fresh browser context and page (1400×900), with a PageRecord of its activity."""
    page, record = open_page(chromium_browser)
    yield page, record
    page.context.close()


@pytest.fixture
def ui_pages(chromium_browser):
    """Open pages in fresh browser contexts at a given size: `ui_pages(width, height)`
    returns (page, PageRecord); every context is closed when the test ends."""
    opened = []

    def make(width: int = 1400, height: int = 900):
        page, record = open_page(chromium_browser, width, height)
        opened.append(page)
        return page, record

    yield make
    for page in opened:
        page.context.close()


@pytest.fixture
def job_server(db_url):
    """The app with one job worker thread (as in production), served on 127.0.0.1."""
    application = make_app(db_url, JOB_WORKERS=1, JOB_POLL_SECONDS=0.2)
    with serving(application) as base:
        yield base
    application.extensions["parkatlas_jobs"]["stop"].set()
    application.extensions["parkatlas_pool"].close()
