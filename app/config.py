"""Configuration from the environment, with the embedded local cluster as the default."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
SQL_DIR = ROOT / "sql"
LANGUAGES = ("zh", "en")


APP_ROLE = "parkatlas_app"


def _local_url(role: str, password_file: str) -> str:
    port = os.environ.get("PARKATLAS_PGPORT", "54329")
    path = VAR / password_file
    password = quote(path.read_text().strip(), safe="") if path.exists() else ""
    return f"postgresql://{role}{':' + password if password else ''}@127.0.0.1:{port}/parkatlas"


def local_database_url() -> str:
    """The app's URL on the project-local cluster (scripts/pg.sh): the unprivileged role."""
    return _local_url(APP_ROLE, "db-app-password")


def local_admin_url() -> str:
    """The owner's URL on the project-local cluster: migrations, loads, the CLI."""
    return _local_url("parkatlas", "db-owner-password")


def secret_key() -> str:
    """PARKATLAS_SECRET_KEY, else a random key kept in var/secret_key (made once, mode 600)."""
    if os.environ.get("PARKATLAS_SECRET_KEY"):
        return os.environ["PARKATLAS_SECRET_KEY"]
    path = VAR / "secret_key"
    if not path.exists():
        VAR.mkdir(exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


@dataclass(frozen=True)
class ImportLimits:
    """What an imported file may be (README, Imports: reading files). The upload itself is
    refused beyond `max_bytes` (the API checks it); a zip archive may hold at most
    `zip_max_members` members, unpacking to at most `zip_max_bytes` in all and at most
    `zip_max_ratio` times the archive's own size (a zip bomb unpacks to thousands of times)."""

    max_bytes: int = 200 * 1024 * 1024
    zip_max_members: int = 1000
    zip_max_bytes: int = 2048 * 1024 * 1024
    zip_max_ratio: float = 1000.0


def import_limits(environ=os.environ) -> ImportLimits:
    """The import limits from PARKATLAS_IMPORT_MAX_MB, PARKATLAS_IMPORT_ZIP_MAX_MEMBERS,
    PARKATLAS_IMPORT_ZIP_MAX_MB and PARKATLAS_IMPORT_ZIP_MAX_RATIO."""
    mb = 1024 * 1024
    return ImportLimits(
        max_bytes=int(float(environ.get("PARKATLAS_IMPORT_MAX_MB", "200")) * mb),
        zip_max_members=int(environ.get("PARKATLAS_IMPORT_ZIP_MAX_MEMBERS", "1000")),
        zip_max_bytes=int(float(environ.get("PARKATLAS_IMPORT_ZIP_MAX_MB", "2048")) * mb),
        zip_max_ratio=float(environ.get("PARKATLAS_IMPORT_ZIP_MAX_RATIO", "1000")))


def from_env(environ=os.environ) -> dict:
    """Flask config values read from environment variables (see README, Configuration)."""
    imports = import_limits(environ)
    return {
        # The web app serves through DATABASE_URL; the CLI (migrations, loads, recompute,
        # users) works as the owner through ADMIN_DATABASE_URL.
        "DATABASE_URL": environ.get("DATABASE_URL") or local_database_url(),
        "ADMIN_DATABASE_URL": (environ.get("PARKATLAS_ADMIN_DATABASE_URL")
                               or environ.get("DATABASE_URL") or local_admin_url()),
        "APP_ROLE": environ.get("PARKATLAS_APP_ROLE", APP_ROLE),
        "DB_POOL_MAX": int(environ.get("PARKATLAS_DB_POOL_MAX", "10")),
        "PUBLIC_READ": environ.get("PARKATLAS_PUBLIC_READ") == "1",
        "TIANDITU_KEY": environ.get("PARKATLAS_TIANDITU_KEY") or None,
        # The park map on vector tiles (app.maps.use_tiles): auto, on or off.
        "MAP_TILES": environ.get("PARKATLAS_MAP_TILES", "auto"),
        "MAP_TILES_FROM": int(environ.get("PARKATLAS_MAP_TILES_FROM", "5000")),
        # Made tiles kept per data version (app.tiles.cache): up to this zoom (above it a
        # tile is a few plots, quick to make, and there are many), this many MiB in all.
        "TILE_CACHE_MAX_ZOOM": int(environ.get("PARKATLAS_TILE_CACHE_MAX_ZOOM", "14")),
        "TILE_CACHE_MB": int(environ.get("PARKATLAS_TILE_CACHE_MB", "256")),
        # An offline basemap package the app serves at /basemap (.mbtiles or .pmtiles).
        "BASEMAP": environ.get("PARKATLAS_BASEMAP") or None,
        "SESSION_COOKIE_SECURE": environ.get("PARKATLAS_COOKIE_SECURE") == "1",
        # Reverse proxies (nginx) in front whose X-Forwarded-* headers are trusted; 0: none.
        "PROXY_COUNT": int(environ.get("PARKATLAS_PROXIES", "0")),
        # How long a request waits for a database connection before answering 503.
        "DB_WAIT_SECONDS": float(environ.get("PARKATLAS_DB_WAIT_SECONDS", "5")),
        # How long a request waits for a whole-park answer being computed (app.answers)
        # before answering 503 with Retry-After: below the worker's 30 s timeout.
        "ANSWER_WAIT_SECONDS": float(environ.get("PARKATLAS_ANSWER_WAIT_SECONDS", "20")),
        # Jobs (app.jobs): worker threads per app process (0: none; `parkatlas jobs work`
        # runs one apart), seconds without a heartbeat after which a running job is taken
        # again, claims at most, hours a finished job and its file are kept, the poll.
        "JOB_WORKERS": int(environ.get("PARKATLAS_JOB_WORKERS", "1")),
        "JOB_STALE_SECONDS": float(environ.get("PARKATLAS_JOB_STALE_SECONDS", "120")),
        "JOB_MAX_ATTEMPTS": int(environ.get("PARKATLAS_JOB_MAX_ATTEMPTS", "3")),
        "JOB_RETENTION_HOURS": float(environ.get("PARKATLAS_JOB_RETENTION_HOURS", "24")),
        "JOB_POLL_SECONDS": float(environ.get("PARKATLAS_JOB_POLL_SECONDS", "2")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": environ.get("PARKATLAS_COOKIE_SECURE") == "1",
        # A login lasts SESSION_HOURS at most and ends after SESSION_IDLE_MINUTES unused.
        "SESSION_HOURS": float(environ.get("PARKATLAS_SESSION_HOURS", "12")),
        "SESSION_IDLE_MINUTES": float(environ.get("PARKATLAS_SESSION_IDLE_MINUTES", "120")),
        # Failed logins allowed per account / per address within the window, then 429.
        "LOGIN_MAX_FAILURES": int(environ.get("PARKATLAS_LOGIN_MAX_FAILURES", "5")),
        "LOGIN_ADDRESS_MAX_FAILURES": int(environ.get("PARKATLAS_LOGIN_ADDRESS_MAX_FAILURES",
                                                      "20")),
        "LOGIN_WINDOW_MINUTES": float(environ.get("PARKATLAS_LOGIN_WINDOW_MINUTES", "15")),
        "MAX_CONTENT_LENGTH": int(environ.get("PARKATLAS_MAX_UPLOAD_MB", "64")) * 1024 * 1024,
        # The API's JSON bodies: at most MAX_JSON_BODY_MB (the uploads' limit above is for
        # files), nested at most MAX_JSON_DEPTH levels; a geometry has at most
        # PARKATLAS_MAX_VERTICES vertices (app.schemas.MAX_VERTICES).
        "MAX_JSON_BODY_BYTES": int(environ.get("PARKATLAS_MAX_JSON_BODY_MB", "4")) * 1024 * 1024,
        "MAX_JSON_DEPTH": int(environ.get("PARKATLAS_MAX_JSON_DEPTH", "20")),
        # where an import's upload waits for its commit (default: imports/ in the instance
        # folder; app.imports.run)
        "IMPORTS_DIR": environ.get("PARKATLAS_IMPORTS_DIR"),
        # Imported files (issue 13): the upload's size limit and the zip archive's caps.
        "IMPORT_LIMITS": imports,
        "IMPORT_MAX_BYTES": imports.max_bytes,
        "BABEL_DEFAULT_LOCALE": "zh",
        "WTF_CSRF_CHECK_DEFAULT": False,  # app.auth checks every unsafe request itself
        "WTF_CSRF_TIME_LIMIT": None,      # valid for the session's life
    }
