"""Backups of the whole database with PostgreSQL's own tools (pg_dump / pg_restore).

A backup is one custom-format dump file (compressed, restorable table by table). Restore
replaces the database's contents in one transaction: it either all lands or nothing
changes. The password travels in the environment, never on a command line other users
can read with `ps`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from .errors import AtlasError, BadRequest

PG_MAJOR = os.environ.get("PARKATLAS_PG_MAJOR", "15")


def _tool(name: str) -> str:
    """pg_dump/pg_restore of the server's major version (Debian keeps them per version)."""
    folder = Path(os.environ.get("PARKATLAS_PGBIN", f"/usr/lib/postgresql/{PG_MAJOR}/bin"))
    if (folder / name).exists():
        return str(folder / name)
    found = shutil.which(name)
    if not found:
        raise AtlasError(f"{name} not found: install postgresql-client-{PG_MAJOR}")
    return found


def _split(url: str) -> tuple[str, dict]:
    """The URL without its password, and an environment that carries the password."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    env = dict(os.environ)
    if info.get("password"):
        env["PGPASSWORD"] = str(info.pop("password"))
    return psycopg.conninfo.make_conninfo(**info), env


def default_path(folder: Path, now: datetime) -> Path:
    """The default backup file for an instant: named by its UTC time, which the name says
    (`Z`), so backups sort in time order whatever the server's or the park's zone."""
    return folder / f"parkatlas-{now.astimezone(UTC):%Y%m%d-%H%M%S}Z.dump"


def dump(url: str, path: Path) -> Path:
    """Write a backup of the database at `url` to `path`; return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conninfo, env = _split(url)
    partial = path.with_suffix(path.suffix + ".partial")
    run = subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner",
                          "--file", str(partial), "--dbname", conninfo],
                         env=env, capture_output=True, text=True)
    if run.returncode != 0:
        partial.unlink(missing_ok=True)
        raise AtlasError(f"pg_dump failed: {run.stderr.strip()}")
    os.chmod(partial, 0o600)  # a backup holds password hashes and the whole land base
    partial.replace(path)     # a finished file or none: never a half-written backup
    return path


def restore(url: str, path: Path) -> None:
    """Replace the database's contents at `url` with the backup at `path`, all or nothing."""
    if not path.is_file():
        raise BadRequest(f"no backup file {path}")
    conninfo, env = _split(url)
    run = subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
                          "--single-transaction", "--exit-on-error",
                          "--dbname", conninfo, str(path)],
                         env=env, capture_output=True, text=True)
    if run.returncode != 0:
        raise AtlasError(f"pg_restore failed, nothing was changed: {run.stderr.strip()}")
