"""Migrations: from an empty database, re-applied, and changed files re-run."""

import shutil

import pytest

from app import db, migrations

TABLES = {"parks", "zones", "plots", "roads", "networks", "price_zones", "projects",
          "project_plots", "milestones", "progress_reports", "plot_status", "plot_readiness",
          "requisition_plans", "plan_plots", "compensation_rates", "users", "api_tokens",
          "audit_log", "land_classes", "planned_uses"}


@pytest.fixture
def empty_conn(empty_db_url):
    with db.connect(empty_db_url) as conn:
        yield conn


def _tables(conn) -> set[str]:
    rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
    return {r["tablename"] for r in rows}


def test_upgrade_from_empty_creates_the_whole_model(empty_conn):
    applied = migrations.upgrade(empty_conn)
    assert applied == [f"{m.version:04d}_{m.name}" for m in migrations.available()]
    assert _tables(empty_conn) >= TABLES
    assert migrations.pending(empty_conn) == []


def test_second_upgrade_applies_nothing(empty_conn):
    migrations.upgrade(empty_conn)
    assert migrations.upgrade(empty_conn) == []


def test_every_file_is_idempotent(empty_conn):
    """Running every file again on a migrated database changes nothing and fails nothing."""
    migrations.upgrade(empty_conn)
    before = _tables(empty_conn)
    for m in migrations.available():
        with empty_conn.transaction():
            empty_conn.execute(m.sql)
    assert _tables(empty_conn) == before


def test_changed_file_is_reapplied(empty_conn, tmp_path):
    folder = tmp_path / "migrations"
    shutil.copytree(migrations.MIGRATIONS_DIR, folder)
    migrations.upgrade(empty_conn, folder)
    last = sorted(folder.glob("*.sql"))[-1]
    last.write_text(last.read_text() + "\n-- a comment changes the checksum\n")
    assert migrations.pending(empty_conn, folder) == [last.stem]
    assert migrations.upgrade(empty_conn, folder) == [last.stem]


def test_badly_named_file_is_refused(tmp_path):
    (tmp_path / "1_oops.sql").write_text("SELECT 1")
    with pytest.raises(ValueError, match="NNNN_name.sql"):
        migrations.available(tmp_path)


def test_every_geometry_column_has_a_gist_index(conn):
    rows = conn.execute("""
        SELECT c.relname AS tbl, a.attname AS col
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0
          AND a.atttypid = 'geometry'::regtype
          AND NOT EXISTS (
            SELECT 1 FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
            JOIN pg_am am ON am.oid = ic.relam
            WHERE i.indrelid = c.oid AND am.amname = 'gist' AND a.attnum = ANY (i.indkey))
    """).fetchall()
    assert rows == []
