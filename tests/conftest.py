"""Test fixtures: a real PostGIS, a throwaway database per test, the app and a live server.

A session-wide template database is migrated and loaded with the demo park once; every
test that asks for `db_url` gets its own copy (CREATE DATABASE … TEMPLATE), so tests are
isolated and can commit freely. The server is the one `make test` starts (the local
cluster in var/pg), or the one DATABASE_URL names.
"""

from __future__ import annotations

import itertools
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from app import config, db, importer, migrations, users
from tests.builders import DEMO_PASSWORDS, make_app, serving

ROOT = Path(__file__).resolve().parent.parent
_counter = itertools.count()


def _with_database(url: str, name: str) -> str:
    """The same server URL with another database name."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    info["dbname"] = name
    return psycopg.conninfo.make_conninfo(**info)


@pytest.fixture(scope="session")
def server_url() -> str:
    """URL of a database on the PostgreSQL server under test (started if local)."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        subprocess.run([str(ROOT / "scripts" / "pg.sh"), "start"], check=True)
        url = subprocess.run([str(ROOT / "scripts" / "pg.sh"), "url"], check=True,
                             capture_output=True, text=True).stdout.strip()
    return url


@pytest.fixture(scope="session")
def admin_conn(server_url):
    """A connection for creating and dropping the test databases."""
    with psycopg.connect(_with_database(server_url, "postgres"), autocommit=True) as conn:
        yield conn


@pytest.fixture(scope="session")
def template_db(server_url, admin_conn):
    """Name of a migrated database holding the demo park and one user per role."""
    name = f"parkatlas_test_{os.getpid()}_template"
    admin_conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    admin_conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    with db.connect(_with_database(server_url, name), actor="test-setup") as conn:
        migrations.upgrade(conn)
        migrations.grant(conn, config.APP_ROLE)
        importer.load_dataset(conn, importer.DEMO_DIR)
        for role, password in DEMO_PASSWORDS.items():
            users.add(conn, f"test-{role}", role, password)
    yield name
    admin_conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                       .format(sql.Identifier(name)))


class _Copies:
    """Copies of the template made ahead and dropped behind, on a thread of their own:
    CREATE DATABASE … TEMPLATE and DROP DATABASE take 0.3–0.6 s each on a quiet machine
    and seconds under load; made while the tests run, they overlap with the tests' work
    (the pytest process is busy in Python, PostgreSQL copies on the other core)."""

    AHEAD = 2  # copies kept ready

    def __init__(self, url: str, template: str):
        self._url, self._template = url, template
        self._ready: queue.Queue = queue.Queue()
        self._jobs: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="test-databases",
                                        daemon=True)
        self._thread.start()
        for _ in range(self.AHEAD):
            self._jobs.put(None)

    def _work(self) -> None:
        with psycopg.connect(self._url, autocommit=True) as conn:
            while (job := self._jobs.get()) != "stop":
                try:
                    if job is None:
                        self._ready.put(_clone(conn, self._template))
                    else:
                        _drop(conn, job)
                except psycopg.Error as exc:  # handed to the test that waits for a copy
                    self._ready.put(exc)

    def take(self) -> str:
        """A fresh copy of the template, for one test or module."""
        self._jobs.put(None)  # the next one, made while this one is in use
        name = self._ready.get()
        if isinstance(name, Exception):
            raise name
        return name

    def give_back(self, name: str) -> None:
        self._jobs.put(name)

    def close(self) -> None:
        self._jobs.put("stop")
        self._thread.join()
        with psycopg.connect(self._url, autocommit=True) as conn:
            while not self._ready.empty():
                name = self._ready.get()
                if isinstance(name, str):
                    _drop(conn, name)


@pytest.fixture(scope="session")
def copies(server_url, template_db):
    """The template's copies, made ahead (see `_Copies`)."""
    made = _Copies(_with_database(server_url, "postgres"), template_db)
    yield made
    made.close()


def _clone(admin_conn, template: str) -> str:
    name = f"parkatlas_test_{os.getpid()}_{next(_counter)}"
    admin_conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
        sql.Identifier(name), sql.Identifier(template)))
    return name


def _drop(admin_conn, name: str) -> None:
    admin_conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                       .format(sql.Identifier(name)))


@pytest.fixture
def db_url(server_url, copies):
    """URL of this test's own copy of the demo database."""
    name = copies.take()
    yield _with_database(server_url, name)
    copies.give_back(name)


@pytest.fixture(scope="module")
def module_db_url(server_url, copies):
    """URL of a copy of the demo database shared by one test module (for modules that
    only read, or whose edits are refused)."""
    name = copies.take()
    yield _with_database(server_url, name)
    copies.give_back(name)


@pytest.fixture
def empty_db_url(server_url, admin_conn):
    """URL of a new, empty database (no PostGIS, no schema)."""
    name = f"parkatlas_test_{os.getpid()}_{next(_counter)}"
    admin_conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield _with_database(server_url, name)
    _drop(admin_conn, name)


@pytest.fixture
def conn(db_url):
    """An autocommit connection to this test's database, acting as 'pytest'."""
    with db.connect(db_url, actor="pytest") as connection:
        yield connection


@pytest.fixture
def app(db_url):
    application = make_app(db_url)
    yield application
    application.extensions["parkatlas_pool"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo_users() -> dict:
    """role → (username, password) of the test accounts."""
    return {role: (f"test-{role}", pw) for role, pw in DEMO_PASSWORDS.items()}


@pytest.fixture(scope="session")
def sample_basemap(tmp_path_factory) -> Path:
    """The sample offline basemap package `make demo` writes (scripts/sample_basemap.py)."""
    out = tmp_path_factory.mktemp("basemap") / "demo.mbtiles"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "sample_basemap.py"), str(out)],
                   check=True, capture_output=True, timeout=300)
    return out


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where tests leave screenshots and exported files for a person to look at."""
    path = ROOT / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture
def live_server(db_url):
    """Base URL of the app served on 127.0.0.1 by a real WSGI server in a thread."""
    application = make_app(db_url)
    with serving(application) as base:
        yield base
    application.extensions["parkatlas_pool"].close()
