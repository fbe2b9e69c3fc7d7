"""One app on one copy of the demo park for the module, served on 127.0.0.1 by a real WSGI
server for GDAL, with reading closed to anonymous users and a token per role."""

from __future__ import annotations

import pytest

from app import db, users
from tests.builders import make_app, serving


@pytest.fixture(scope="module")
def ogc_app(module_db_url):
    application = make_app(module_db_url, PUBLIC_READ=False)
    yield application
    application.extensions["parkatlas_pool"].close()


@pytest.fixture(scope="module")
def ogc_conn(module_db_url):
    with db.connect(module_db_url, actor="pytest") as connection:
        yield connection


@pytest.fixture(scope="module")
def tokens(ogc_conn) -> dict[str, str]:
    """role → a personal API token of the test user of that role."""
    return {role: users.issue_token(ogc_conn, f"test-{role}")
            for role in ("guest", "viewer", "planner", "admin")}


@pytest.fixture(scope="module")
def ogc_server(ogc_app) -> str:
    """Base URL of /ogc on a real WSGI server in a thread."""
    with serving(ogc_app) as base:
        yield f"{base}/ogc"
