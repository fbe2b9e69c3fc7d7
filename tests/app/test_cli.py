"""The parkatlas command line, run in-process against the test's database."""

import re
from datetime import date

import pytest
from click.testing import CliRunner

from app import db, importer, users
from app.cli import main
from tests.builders import ROOT, lonlat_square, write_dataset


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


@pytest.fixture
def run_on(monkeypatch):
    """Run the CLI against another database: run_on(url, *args)."""
    monkeypatch.setenv("PARKATLAS_SECRET_KEY", "cli-test")

    def invoke(url, *args):
        monkeypatch.setenv("DATABASE_URL", url)
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return invoke


def failed(result) -> str:
    """The command failed cleanly (exit 1, no traceback); return its output."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output


MIGRATIONS = sorted(p.name.removesuffix(".sql")
                    for p in (ROOT / "sql" / "migrations").glob("[0-9]*.sql"))


def test_db_status_lists_pending_then_applied_migrations(run_on, empty_db_url):
    assert run_on(empty_db_url, "db", "status").output.splitlines() == \
        [f"pending  {name}" for name in MIGRATIONS]
    assert run_on(empty_db_url, "db", "upgrade").output.startswith("Applied: " + MIGRATIONS[0])
    assert run_on(empty_db_url, "db", "status").output.splitlines() == \
        [f"applied  {name[:4]}" for name in MIGRATIONS]


def _stored(conn) -> dict:
    return conn.execute(
        "SELECT (SELECT count(*) FROM plots) AS plots,"
        " (SELECT count(*) FROM plot_status) AS status,"
        " (SELECT array_agg(DISTINCT evaluated_on) FROM plot_status) AS status_dates,"
        " (SELECT count(*) FROM plot_readiness) AS readiness,"
        " (SELECT array_agg(DISTINCT evaluated_on) FROM plot_readiness) AS readiness_dates"
    ).fetchone()


@pytest.mark.parametrize("park", ["JSCY", None])
def test_recompute_stores_every_plot_as_of_the_date(run, conn, park):
    args = ["recompute", "--as-of", "2027-03-01", "--workers", "1"]
    result = run(*args, *(["--park", park] if park else []))
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"Recomputed 400 plots in 1 park\(s\) as of 2027-03-01 in [0-9.]+ s; "
                        r"24 month-end indicator snapshot\(s\)\n", result.output), result.output
    again = run(*args, *(["--park", park] if park else []))  # the version moved: all again
    assert again.output.endswith("; 24 month-end indicator snapshot(s)\n"), again.output
    stored = _stored(conn)
    assert stored["plots"] == stored["status"] == stored["readiness"] == 400
    assert stored["status_dates"] == stored["readiness_dates"] == [date(2027, 3, 1)]


@pytest.mark.parametrize(("args", "words"), [
    (["--as-of", "2027-02-30"], "as_of must be a date written YYYY-MM-DD, not '2027-02-30'"),
    (["--as-of", "1.3.2027"], "not '1.3.2027'"),
    (["--park", "NOPE"], "NOPE")])
def test_recompute_refuses_bad_input_and_stores_nothing(run, conn, args, words):
    before = _stored(conn)
    assert words in failed(run("recompute", *args))
    assert _stored(conn) == before


def test_load_a_data_set_folder(run, conn, tmp_path):
    result = run("load", str(write_dataset(tmp_path)))
    assert result.exit_code == 0, result.output
    assert result.output == ("Loaded park TINY: 1 zones, 0 price_zones, 2 plots, 0 roads, "
                             "0 networks\n")
    codes = [r["code"] for r in conn.execute(
        "SELECT p.code FROM plots p JOIN parks k ON k.id = p.park_id"
        " WHERE k.code = 'TINY' ORDER BY p.code")]
    assert codes == ["T-01", "T-02"]


def test_load_errors_and_warnings_are_in_chinese_and_english(run, conn, tmp_path):
    plots = [{"code": "T-01", "geometry": lonlat_square(115.4, 29.45), "disposal": "fee"}]
    out = failed(run("load", str(write_dataset(tmp_path / "bad", centre=(115.4, 29.45),
                                               plots=plots))))
    assert "园区 TINY：地块 T-01（plots.geojson 第 1 个要素），字段 disposal_on：" \
        "处置方式（disposal）与处置日期" in out
    assert "park TINY: plot T-01 (plots.geojson feature 1), field disposal_on: a disposal " \
        "(disposal) and its date" in out
    assert not re.search(r"violates|plots_disposal_dated", out)
    assert conn.execute("SELECT count(*) AS n FROM parks WHERE code = 'TINY'").fetchone()["n"] == 0
    plots = [{"code": "T-01", "geometry": lonlat_square(115.6, 29.45)}]
    result = run("load", str(write_dataset(tmp_path / "edge", centre=(115.4, 29.45),
                                           plots=plots)))
    assert result.exit_code == 0, result.output
    assert "警告 Warning: 园区 TINY：地块 T-01（plots.geojson 第 1 个要素），字段 geometry：" \
        "位于园区高斯-克吕格 38 带边缘以外 0.10°" in result.output
    assert "park TINY: plot T-01 (plots.geojson feature 1), field geometry: lies 0.10° beyond " \
        "the edge" in result.output
    assert "Loaded park TINY" in result.output


def test_load_demo_loads_the_park_and_makes_one_account_per_role_once(
        run_on, empty_db_url, tmp_path, monkeypatch):
    # the demo loader and accounts, on a small park instead of the 400-plot demo
    monkeypatch.setattr(importer, "DEMO_DIR", write_dataset(tmp_path))
    run_on(empty_db_url, "db", "upgrade")
    result = run_on(empty_db_url, "load-demo", "--if-empty")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Loaded demo park TINY: 2 plots, 0 roads, 0 network features, 0 projects"
    assert lines[1].startswith("Demo accounts (shown once")
    accounts = dict(re.fullmatch(r"\s+\w+\s+(\S+)\s+(\S+)", line).groups() for line in lines[2:])
    assert sorted(accounts) == ["demo-admin", "demo-guest", "demo-planner", "demo-viewer"]
    with db.connect(empty_db_url) as conn:
        for name, password in accounts.items():
            assert users.authenticate(conn, name, password) is not None
    assert run_on(empty_db_url, "load-demo", "--if-empty").output == ""
    out = failed(run_on(empty_db_url, "load-demo"))
    assert "园区 TINY，字段 code：该园区编号已导入" in out
    assert "park TINY, field code: this park code is already loaded" in out
    with db.connect(empty_db_url) as conn:
        assert conn.execute("SELECT count(*) AS n FROM parks").fetchone()["n"] == 1
        assert len(users.list_users(conn)) == 4
