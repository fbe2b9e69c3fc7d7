"""Schema migrations: the numbered, idempotent SQL files of sql/migrations.

A file runs once, in its own transaction, and is recorded in schema_migrations with its
checksum. Because every file is idempotent (IF NOT EXISTS, CREATE OR REPLACE), a file
whose text changed since it ran is simply run again; a change to a table's columns goes
into a new numbered file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg

from .config import SQL_DIR

MIGRATIONS_DIR = SQL_DIR / "migrations"
_LOCK_KEY = 0x7061726B  # pg_advisory lock id: two upgrades never interleave


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def available(folder: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The migration files in version order (name: NNNN_words.sql)."""
    found = []
    for path in sorted(folder.glob("*.sql")):
        match = re.fullmatch(r"(\d{4})_(\w+)\.sql", path.name)
        if not match:
            raise ValueError(f"migration file {path.name} is not named NNNN_name.sql")
        found.append(Migration(int(match[1]), match[2], path))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise ValueError("two migration files share a version number")
    return found


def applied(conn: psycopg.Connection) -> dict[int, str]:
    """Version → checksum of the migrations recorded in the database."""
    exists = conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL AS e").fetchone()
    if not exists["e"]:
        return {}
    rows = conn.execute("SELECT version, checksum FROM schema_migrations").fetchall()
    return {r["version"]: r["checksum"] for r in rows}


def upgrade(conn: psycopg.Connection, folder: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply every new or changed migration; return the names applied."""
    done = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
        conn.execute("""CREATE TABLE IF NOT EXISTS schema_migrations (
            version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now())""")
        recorded = applied(conn)
        for m in available(folder):
            if recorded.get(m.version) == m.checksum:
                continue
            with conn.transaction():
                conn.execute(m.sql)
                conn.execute(
                    """INSERT INTO schema_migrations (version, name, checksum)
                       VALUES (%s, %s, %s) ON CONFLICT (version) DO UPDATE
                       SET name = excluded.name, checksum = excluded.checksum,
                           applied_at = now()""",
                    (m.version, m.name, m.checksum))
            done.append(f"{m.version:04d}_{m.name}")
    return done


def pending(conn: psycopg.Connection, folder: Path = MIGRATIONS_DIR) -> list[str]:
    """Names of the migrations that upgrade() would apply."""
    recorded = applied(conn)
    return [f"{m.version:04d}_{m.name}" for m in available(folder)
            if recorded.get(m.version) != m.checksum]


GRANTS = SQL_DIR / "grants.sql"


def grant(conn: psycopg.Connection, app_role: str) -> None:
    """Give the app's role (if it exists) what it needs and nothing more (sql/grants.sql)."""
    with conn.transaction():
        conn.execute("SELECT set_config('parkatlas.app_role', %s, true)", (app_role,))
        conn.execute(GRANTS.read_text(encoding="utf-8"))
