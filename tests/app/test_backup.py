"""`parkatlas backup` and `restore`: a round trip gives every table back exactly (issue 9)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from app import db
from app.cli import main
from tests.builders import table_checksums


@pytest.fixture
def run(db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("PARKATLAS_SECRET_KEY", "cli-test")

    def invoke(*args):
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    return invoke


def test_backup_then_restore_gives_identical_tables(run, conn, db_url, tmp_path):
    before = table_checksums(conn)
    assert len(before) > 20 and before["plots"] != before["zones"]
    path = tmp_path / "park.dump"
    result = run("backup", "-o", str(path))
    assert result.exit_code == 0, result.output
    assert path.stat().st_mode & 0o777 == 0o600
    conn.execute("DELETE FROM plan_plots")
    conn.execute("UPDATE plots SET name = 'changed after the backup'")
    assert table_checksums(conn)["plots"] != before["plots"]
    result = run("restore", str(path), "--yes")
    assert result.exit_code == 0, result.output
    # A new connection: the restore made PostGIS's types anew, with other OIDs.
    with db.connect(db_url) as fresh:
        assert table_checksums(fresh) == before


def test_restore_of_a_broken_file_changes_nothing(run, conn, tmp_path):
    before = table_checksums(conn)
    broken = tmp_path / "broken.dump"
    broken.write_bytes(b"PGDMP" + b"\0" * 100)
    result = run("restore", str(broken), "--yes")
    assert result.exit_code != 0 and "nothing was changed" in result.output
    assert table_checksums(conn) == before
    assert run("restore", str(tmp_path / "missing.dump"), "--yes").exit_code != 0


def test_restore_asks_first(run, tmp_path):
    result = CliRunner().invoke(main, ["restore", str(tmp_path / "x.dump")], input="n\n")
    assert result.exit_code != 0 and "Aborted" in result.output
