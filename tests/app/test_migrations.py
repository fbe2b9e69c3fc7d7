"""Schema: append-only migrations, SQL source re-applied, and the upgrade of older databases."""

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from app import db, migrations

ROOT = Path(__file__).resolve().parents[2]
# the last commit whose numbered files still held the functions, triggers and views
BEFORE_SPLIT_COMMIT = "c25e9979359fd52f89dc2cb528065062bc9ea722"
TABLES = {"parks", "zones", "plots", "roads", "networks", "price_zones", "projects",
          "project_plots", "milestones", "progress_reports", "plot_status", "plot_readiness",
          "requisition_plans", "plan_plots", "compensation_rates", "users", "api_tokens",
          "audit_log", "land_classes", "planned_uses"}
# CREATE [OR REPLACE] <kind> [IF NOT EXISTS] <name>, and the table a trigger sits on
DEFINITION = re.compile(
    r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:UNIQUE\s+)?(FUNCTION|PROCEDURE|TRIGGER|VIEW|"
    r"MATERIALIZED\s+VIEW|TABLE|INDEX|TYPE|DOMAIN|AGGREGATE|SEQUENCE)\s+(?:IF\s+NOT\s+EXISTS\s+)?"
    r"([\w.]+)(?:[^;]*?\bON\s+([\w.]+))?", re.IGNORECASE | re.MULTILINE)


@pytest.fixture
def empty_conn(empty_db_url):
    with db.connect(empty_db_url) as conn:
        yield conn


def _tables(conn) -> set[str]:
    rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
    return {r["tablename"] for r in rows}


def schema(conn) -> dict[str, list]:
    """Every object of the public schema as PostgreSQL prints it back, for comparison."""
    queries = {
        "columns": """SELECT c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod),
                             a.attnotnull, a.attgenerated, pg_get_expr(d.adbin, d.adrelid)
                      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v')
                        AND a.attnum > 0 AND NOT a.attisdropped""",
        "relations": """SELECT relname, relkind, reloptions FROM pg_class
                        WHERE relnamespace = 'public'::regnamespace""",
        "constraints": """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
                          FROM pg_constraint WHERE connamespace = 'public'::regnamespace""",
        "indexes": "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
        "functions": """SELECT p.proname, pg_get_function_identity_arguments(p.oid),
                               pg_get_functiondef(p.oid)
                        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                        WHERE n.nspname = 'public' AND NOT EXISTS (
                          SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')""",
        "triggers": """SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid), tgenabled
                       FROM pg_trigger WHERE NOT tgisinternal""",
        "views": """SELECT viewname, definition FROM pg_views WHERE schemaname = 'public'""",
        "extensions": "SELECT extname FROM pg_extension",
    }
    return {k: sorted(tuple(map(str, r.values())) for r in conn.execute(q).fetchall())
            for k, q in queries.items()}


def _definitions(folder: Path) -> list[tuple[str, str, str]]:
    """(kind, name, file) of every object a folder's SQL files create."""
    found = []
    for path in sorted(folder.glob("*.sql")):
        for kind, name, on in DEFINITION.findall(path.read_text(encoding="utf-8")):
            kind = " ".join(kind.upper().split())
            # triggers are named per table
            found.append((kind, f"{name.lower()} ON {on.lower()}" if kind == "TRIGGER"
                          else name.lower(), path.name))
    return found


def test_upgrade_from_empty_creates_the_whole_model(empty_conn):
    applied = migrations.upgrade(empty_conn)
    assert applied == [m.label for m in migrations.available()]
    assert _tables(empty_conn) >= TABLES
    assert migrations.pending(empty_conn) == []


def test_second_upgrade_applies_no_migration_and_changes_nothing(empty_conn):
    migrations.upgrade(empty_conn)
    before = schema(empty_conn)
    assert migrations.upgrade(empty_conn) == []
    assert schema(empty_conn) == before


def test_source_runs_after_the_migrations_on_every_upgrade(empty_conn):
    migrations.upgrade(empty_conn)
    empty_conn.execute("DROP VIEW plot_features")
    migrations.upgrade(empty_conn)
    assert empty_conn.execute("SELECT to_regclass('plot_features') AS v").fetchone()["v"]


def test_every_migration_is_idempotent(empty_conn):
    """A migration applied again (as the transition from the old layout does) changes nothing."""
    migrations.upgrade(empty_conn)
    before = schema(empty_conn)
    for m in migrations.available():
        with empty_conn.transaction():
            empty_conn.execute(m.sql)
    assert schema(empty_conn) == before


def test_shipped_migrations_never_change():
    """Each migration file is listed in shipped.sha256 with the checksum of its text."""
    listed = migrations.checksums(migrations.MIGRATIONS_DIR / migrations.SHIPPED)
    files = {m.path.name: {m.checksum} for m in migrations.available()}
    assert listed == files, "a shipped migration changed, or a new one is not listed"


def test_changed_shipped_migration_is_refused(empty_conn, tmp_path):
    folder = tmp_path / "migrations"
    shutil.copytree(migrations.MIGRATIONS_DIR, folder)
    migrations.upgrade(empty_conn, folder)
    first = sorted(folder.glob("0*.sql"))[0]
    first.write_text(first.read_text() + "\n-- a comment changes the checksum\n")
    with pytest.raises(migrations.MigrationChanged, match=f"{first.stem} differs"):
        migrations.upgrade(empty_conn, folder)
    with pytest.raises(migrations.MigrationChanged):
        migrations.pending(empty_conn, folder)


def test_new_migration_is_applied_once(empty_conn, tmp_path):
    folder = tmp_path / "migrations"
    shutil.copytree(migrations.MIGRATIONS_DIR, folder)
    migrations.upgrade(empty_conn, folder)
    (folder / "9999_extra.sql").write_text("CREATE TABLE extra (id integer);\n")
    assert migrations.pending(empty_conn, folder) == ["9999_extra"]
    assert migrations.upgrade(empty_conn, folder) == ["9999_extra"]
    assert migrations.upgrade(empty_conn, folder) == []


def test_badly_named_file_is_refused(tmp_path):
    (tmp_path / "1_oops.sql").write_text("SELECT 1")
    with pytest.raises(ValueError, match="NNNN_name.sql"):
        migrations.available(tmp_path)
    with pytest.raises(ValueError, match="NN_name.sql"):
        migrations.sources(tmp_path)


def test_no_object_is_defined_in_two_places():
    """Functions, triggers, views, tables and indexes: one CREATE each, in one file."""
    found = _definitions(migrations.SOURCE_DIR) + _definitions(migrations.MIGRATIONS_DIR)
    assert len(found) > 100  # the pattern does find the definitions
    seen: dict[tuple[str, str], str] = {}
    twice = []
    for kind, name, file in found:
        if (kind, name) in seen:
            twice.append(f"{kind} {name}: {seen[kind, name]} and {file}")
        seen[kind, name] = file
    assert twice == []


def test_migrations_hold_no_function_trigger_or_view():
    """Those live in sql/source, re-applied on every upgrade, never in a shipped file."""
    kinds = {kind for kind, _, _ in _definitions(migrations.MIGRATIONS_DIR)}
    assert kinds <= {"TABLE", "INDEX"}
    source_kinds = {kind for kind, _, _ in _definitions(migrations.SOURCE_DIR)}
    assert source_kinds <= {"FUNCTION", "TRIGGER", "VIEW"}


def test_set_geom_gk_is_defined_once_with_the_prefixed_zone():
    defs = [f for kind, name, f in _definitions(migrations.SOURCE_DIR) if name == "set_geom_gk"]
    assert len(defs) == 1
    body = (migrations.SOURCE_DIR / defs[0]).read_text()
    assert re.search(r"\bgk_epsg_prefixed\b", body) and not re.search(r"\bgk_epsg\b", body)


def _old_files() -> list[tuple[str, str]]:
    """(file name, text) of sql/migrations as of the commit before the split, from git."""
    try:
        names = subprocess.run(
            ["git", "-C", str(ROOT), "ls-tree", "--name-only", BEFORE_SPLIT_COMMIT,
             "sql/migrations/"], capture_output=True, text=True, check=True).stdout.split()
        return [(Path(n).name, subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{BEFORE_SPLIT_COMMIT}:{n}"],
            capture_output=True, check=True).stdout.decode()) for n in names]
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("the git history of sql/migrations is not available")


def _upgrade_the_old_way(conn, files) -> None:
    """What the runner before the split did: run each file, record its checksum."""
    conn.execute("""CREATE TABLE schema_migrations (version integer PRIMARY KEY,
        name text NOT NULL, checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now())""")
    for name, text in files:
        conn.execute(text)
        conn.execute("INSERT INTO schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                     (int(name[:4]), name[5:-4], hashlib.sha256(text.encode()).hexdigest()))


@pytest.fixture
def fresh_conn(server_url, admin_conn):
    """A second empty database, beside empty_conn's."""
    name = f"parkatlas_test_{os.getpid()}_fresh"
    admin_conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = psycopg.conninfo.make_conninfo(server_url, dbname=name)
    with db.connect(url) as conn:
        yield conn
    admin_conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def test_database_built_with_the_old_files_upgrades_to_the_same_schema(empty_conn, fresh_conn):
    old = empty_conn
    files = _old_files()
    _upgrade_the_old_way(old, files)
    park = old.execute("""INSERT INTO parks (code, name, gk_zone) VALUES ('OLD', '旧园区', 38)
                          RETURNING id""").fetchone()["id"]
    old.execute("""INSERT INTO roads (park_id, name, status, geom) VALUES (%s, 'r', 'in_service',
                   ST_GeomFromText('MULTILINESTRING((113 29.4, 113.01 29.4))', 4490))""", [park])
    old.execute("DELETE FROM road_pieces")  # as in a database from before road pieces
    texts = {name: hashlib.sha256(text.encode()).hexdigest() for name, text in files}
    # the split files whose text changed, then every migration added since the split
    split = [m.label for m in migrations.available() if texts.get(m.path.name) != m.checksum]
    assert migrations.upgrade(old) == split  # each once, in its table-only text
    assert migrations.upgrade(old) == []
    assert old.execute("SELECT count(*) AS n FROM road_pieces").fetchone()["n"] > 0
    migrations.upgrade(fresh_conn)
    a, b = schema(fresh_conn), schema(old)
    assert {k: sorted(set(a[k]) ^ set(b[k])) for k in a if a[k] != b[k]} == {}


def test_a_database_of_an_older_text_of_a_migration_is_upgraded(empty_conn):
    """Any text a numbered file had before the split is accepted once."""
    migrations.upgrade(empty_conn)
    old_text = next(iter(migrations.checksums(
        migrations.MIGRATIONS_DIR / migrations.BEFORE_SPLIT)["0009_status.sql"]))
    empty_conn.execute("UPDATE schema_migrations SET checksum = %s WHERE version = 9", [old_text])
    assert migrations.pending(empty_conn) == ["0009_status"]
    assert migrations.upgrade(empty_conn) == ["0009_status"]
    assert migrations.pending(empty_conn) == []


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
