"""The domain and its database layer work without Flask (DESIGN §6)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app import db

ROOT = Path(__file__).resolve().parents[2]

# Every module that is not web glue: what the CLI, scripts and other front ends build on.
WEB_MODULES = {"api", "auth", "cli", "i18n", "security", "web", "web_db", "web_errors",
               "web_json", "web_projects", "web_ogc", "web_cleanup", "web_navigation"}
DOMAIN = sorted(
    f"app.{p.stem}" for p in (ROOT / "app").glob("*.py")
    if p.stem != "__init__" and p.stem not in WEB_MODULES
) + ["app.exporters", "app.projects.project"]


def test_the_domain_list_is_not_empty():
    assert {"app.db", "app.plots", "app.layers", "app.params", "app.requisition"} <= set(DOMAIN)


@pytest.mark.parametrize("module", DOMAIN)
def test_domain_module_imports_without_flask(module):
    # A finder that refuses flask (and its extensions) makes any import of them fail.
    code = (
        "import sys\n"
        "class NoFlask:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('flask', 'flask_babel', 'flask_login', 'flask_wtf'):\n"
        "            raise ImportError('flask is not for the domain: ' + name)\n"
        "sys.meta_path.insert(0, NoFlask())\n"
        f"import {module}\n"
        "assert not [m for m in sys.modules if m.startswith('flask')]\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr


def test_named_queries_run_without_an_app(db_url):
    with db.connect(db_url, actor="test") as conn:
        assert db.queries().parks.first_id(conn) is not None


def test_transaction_rolls_back_and_maps_bad_input(db_url):
    from app.errors import BadRequest

    with db.connect(db_url) as conn:
        with pytest.raises(BadRequest), db.transaction(conn):
            conn.execute("UPDATE parks SET name = 'x' WHERE id = (SELECT min(id) FROM parks)")
            conn.execute("SELECT 'not a date'::date")
        renamed = conn.execute("SELECT count(*) AS n FROM parks WHERE name = 'x'").fetchone()
        assert renamed["n"] == 0


def test_every_named_query_called_in_the_code_exists():
    # queries().<namespace>.<name>( in the code must name sql/queries/<namespace>/<name>.sql
    import re

    calls = {m.groups() for path in (ROOT / "app").rglob("*.py")
             for m in re.finditer(r"\bq(?:ueries\(\))?\.(\w+)\.(\w+)\(", path.read_text())}
    assert len(calls) > 40
    q = db.queries()
    missing = sorted(f"{ns}.{name}" for ns, name in calls
                     if not hasattr(getattr(q, ns, None), name))
    assert not missing
    files = {(p.parent.name, p.stem) for p in (ROOT / "sql" / "queries").glob("*/*.sql")}
    assert calls <= files


def test_the_plot_update_query_sets_exactly_the_editable_columns():
    # plots.EDITABLE is the one list of editable plot columns; the UPDATE must not drift.
    import re

    from app import plots

    text = (ROOT / "sql" / "queries" / "plots" / "update.sql").read_text()
    targets = re.search(r"SET\s*\(([^)]*)\)\s*=", text).group(1)
    sources = re.search(r"\(SELECT (.*?)\s+FROM jsonb_populate_record", text, re.S).group(1)
    assert [c.strip() for c in targets.split(",")] == [
        c.strip().removeprefix("r.") for c in sources.split(",")]
    assert {c.strip() for c in targets.split(",")} == plots.EDITABLE
