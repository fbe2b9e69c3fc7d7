"""The database trusts no one: passwords on the local cluster, an unprivileged app role,
and an audit log nobody can rewrite (issue 9)."""

from __future__ import annotations

import os

import psycopg
import pytest

from app import config
from tests.builders import app_url

LOCAL = not os.environ.get("DATABASE_URL")


@pytest.fixture
def app_conn(db_url):
    with psycopg.connect(app_url(db_url), autocommit=True) as conn:
        yield conn


@pytest.mark.skipif(not LOCAL, reason="the local cluster's set-up only")
def test_the_local_cluster_wants_a_password(db_url):
    info = psycopg.conninfo.conninfo_to_dict(db_url)
    info.pop("password", None)
    with pytest.raises(psycopg.OperationalError, match="password"):
        psycopg.connect(psycopg.conninfo.make_conninfo(**info), connect_timeout=5,
                        passfile="/dev/null")
    for name in ("db-owner-password", "db-app-password"):
        assert (config.VAR / name).stat().st_mode & 0o777 == 0o600


@pytest.mark.skipif(not LOCAL, reason="the local cluster's set-up only")
def test_the_app_is_not_a_superuser_and_cannot_change_the_schema(app_conn):
    row = app_conn.execute("""SELECT current_user AS who, rolsuper, rolcreatedb, rolcreaterole
                              FROM pg_roles WHERE rolname = current_user""").fetchone()
    assert row == (config.APP_ROLE, False, False, False)
    for statement in ("CREATE TABLE intruder (id int)", "DROP TABLE plots",
                      "ALTER TABLE plots DISABLE TRIGGER USER",
                      "TRUNCATE plots CASCADE"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app_conn.execute(statement)


@pytest.mark.skipif(not LOCAL, reason="the local cluster's set-up only")
def test_the_app_can_add_to_the_audit_log_but_not_rewrite_it(app_conn):
    app_conn.execute("SELECT set_config('parkatlas.actor', 'intruder', false)")
    app_conn.execute("UPDATE plots SET name = name || ' ' WHERE id = (SELECT min(id) FROM plots)")
    assert app_conn.execute("SELECT count(*) FROM audit_log WHERE actor = 'intruder'"
                            ).fetchone()[0] == 1
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log",
                      "TRUNCATE audit_log"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app_conn.execute(statement)


def test_not_even_the_owner_rewrites_the_audit_log(conn):
    assert conn.execute("SELECT count(*) FROM audit_log").fetchone()["count"] > 0
    for statement in ("UPDATE audit_log SET actor = 'someone else'",
                      "DELETE FROM audit_log WHERE id = (SELECT min(id) FROM audit_log)",
                      "TRUNCATE audit_log"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            conn.execute(statement)
