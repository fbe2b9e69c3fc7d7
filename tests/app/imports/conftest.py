"""The import tests' app: uploads kept in the test's own folder."""

from __future__ import annotations

import pytest

from tests.builders import make_app


@pytest.fixture
def app(db_url, tmp_path):
    application = make_app(db_url, IMPORTS_DIR=str(tmp_path / "imports"))
    yield application
    application.extensions["parkatlas_pool"].close()


@pytest.fixture
def client(app):
    return app.test_client()
