"""The database schema: append-only migrations, then the SQL source re-applied (as pgstac does).

- sql/migrations/NNNN_words.sql: tables, columns, indexes and data. Each runs once, in its
  own transaction, and is recorded in schema_migrations with its checksum. A migration
  never changes once shipped (sql/migrations/shipped.sha256 lists them; a test holds the
  files to it): upgrade() refuses a database that recorded another text for a version.
  A change to the schema is a new numbered file.
- sql/source/NN_words.sql: functions, triggers and views, each defined once, all of them
  idempotent (CREATE OR REPLACE). They run after the migrations on every upgrade, in file
  order, so the database always holds exactly the functions of the code.

Migrations come first, so they may use no function of the source; a default or trigger
that binds a function to a table is set by the source file that defines the function.

Until the split into these two folders, the numbered files also held the functions. The
checksums every earlier text of those files had (sql/migrations/before-split.sha256) are
accepted once: such a version is applied again in its new, table-only form (it is
idempotent) and recorded with its new checksum.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg

from .config import SQL_DIR

MIGRATIONS_DIR = SQL_DIR / "migrations"
SOURCE_DIR = SQL_DIR / "source"
SHIPPED = "shipped.sha256"
BEFORE_SPLIT = "before-split.sha256"
_LOCK_KEY = 0x7061726B  # pg_advisory lock id: two upgrades never interleave


class MigrationChanged(RuntimeError):
    """A database recorded another text for a shipped migration than the one here."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    @property
    def label(self) -> str:
        return f"{self.version:04d}_{self.name}"

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def _numbered(folder: Path, digits: int) -> list[Migration]:
    found = []
    for path in sorted(folder.glob("*.sql")):
        match = re.fullmatch(rf"(\d{{{digits}}})_(\w+)\.sql", path.name)
        if not match:
            raise ValueError(f"SQL file {path.name} is not named {'N' * digits}_name.sql")
        found.append(Migration(int(match[1]), match[2], path))
    numbers = [m.version for m in found]
    if len(set(numbers)) != len(numbers):
        raise ValueError(f"two SQL files of {folder.name} share a number")
    return found


def available(folder: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The migration files in version order (name: NNNN_words.sql)."""
    return _numbered(folder, 4)


def sources(folder: Path = SOURCE_DIR) -> list[Migration]:
    """The source files in the order they run (name: NN_words.sql)."""
    return _numbered(folder, 2)


def checksums(path: Path) -> dict[str, set[str]]:
    """File name → checksums listed in a sha256sum-style file (none when it is missing)."""
    listed: dict[str, set[str]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                digest, name = line.split()
                listed.setdefault(name, set()).add(digest)
    return listed


def applied(conn: psycopg.Connection) -> dict[int, str]:
    """Version → checksum of the migrations recorded in the database."""
    exists = conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL AS e").fetchone()
    if not exists["e"]:
        return {}
    rows = conn.execute("SELECT version, checksum FROM schema_migrations").fetchall()
    return {r["version"]: r["checksum"] for r in rows}


def _due(conn: psycopg.Connection, folder: Path) -> list[Migration]:
    """The migrations to apply; refuse a shipped one the database ran in another text."""
    recorded = applied(conn)
    legacy = checksums(folder / BEFORE_SPLIT)
    due = []
    for m in available(folder):
        ran = recorded.get(m.version)
        if ran == m.checksum:
            continue
        if ran is not None and ran not in legacy.get(m.path.name, set()):
            raise MigrationChanged(
                f"migration {m.label} differs from the text this database applied "
                f"(checksum {ran[:12]}…, file {m.checksum[:12]}…): a shipped migration "
                "never changes; put the change in a new numbered file")
        due.append(m)
    return due


def upgrade(conn: psycopg.Connection, folder: Path = MIGRATIONS_DIR,
            source: Path = SOURCE_DIR) -> list[str]:
    """Apply every new migration, then the whole source; return the migrations applied."""
    done = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
        conn.execute("""CREATE TABLE IF NOT EXISTS schema_migrations (
            version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now())""")
        for m in _due(conn, folder):
            with conn.transaction():
                conn.execute(m.sql)
                conn.execute(
                    """INSERT INTO schema_migrations (version, name, checksum)
                       VALUES (%s, %s, %s) ON CONFLICT (version) DO UPDATE
                       SET name = excluded.name, checksum = excluded.checksum,
                           applied_at = now()""",
                    (m.version, m.name, m.checksum))
            done.append(m.label)
        for s in sources(source):
            conn.execute(s.sql)
    return done


def pending(conn: psycopg.Connection, folder: Path = MIGRATIONS_DIR) -> list[str]:
    """Names of the migrations that upgrade() would apply."""
    return [m.label for m in _due(conn, folder)]


GRANTS = SQL_DIR / "grants.sql"


def grant(conn: psycopg.Connection, app_role: str) -> None:
    """Give the app's role (if it exists) what it needs and nothing more (sql/grants.sql)."""
    with conn.transaction():
        conn.execute("SELECT set_config('parkatlas.app_role', %s, true)", (app_role,))
        conn.execute(GRANTS.read_text(encoding="utf-8"))
