"""The parkatlas command line, run in-process against the test's database."""

import pytest
from click.testing import CliRunner

from app import db
from app.cli import main


@pytest.fixture
def run(db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("PARKATLAS_SECRET_KEY", "cli-test")
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, list(args), catch_exceptions=False)
    return invoke


def test_help_lists_the_commands(run):
    out = run("--help").output
    for command in ("db", "load", "load-demo", "user", "serve", "routes"):
        assert command in out


def test_user_lifecycle(run, db_url):
    result = run("user", "add", "li.lei", "--role", "planner", "--name", "李雷")
    assert result.exit_code == 0 and "password:" in result.output
    assert "li.lei" in run("user", "list").output
    assert run("user", "passwd", "li.lei", "--password", "a-new-password-1").exit_code == 0
    token = run("user", "token", "li.lei", "--label", "QGIS").output.strip()
    assert token.startswith("pa_")
    with db.connect(db_url) as conn:
        from app import users
        assert users.by_token(conn, token)["username"] == "li.lei"
        assert users.authenticate(conn, "li.lei", "a-new-password-1") is not None


def test_bad_input_is_a_clean_error(run):
    result = run("user", "add", "x1", "--role", "viewer", "--password", "short")
    assert result.exit_code != 0 and "at least 10 characters" in result.output
    assert "already exists" in run("user", "add", "test-viewer", "--role", "viewer").output
    assert "no user nobody" in run("user", "token", "nobody").output


def test_db_upgrade_is_idempotent_and_load_demo_if_empty_skips(run):
    assert "up to date" in run("db", "upgrade").output
    assert run("load-demo", "--if-empty").output == ""
