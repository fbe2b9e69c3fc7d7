"""The jobs API: a plan's export started as a job (202 + Location), its state and progress
in the user's language, its file named as the direct download names it, the user's list,
404 for anyone but the asker or an admin, the admin's recompute, the OpenAPI document and
`parkatlas jobs work|purge`; and the upgrade that applies migration 0030 to a database
that already has the later ones."""

from __future__ import annotations

import io
import json
import shutil
import zipfile

import pytest
from click.testing import CliRunner

from app import migrations
from app.cli import main
from app.exporters import package
from tests.builders import DEMO_PLAN
from tests.builders import run_jobs as run_all
from tests.client import api_error, api_login

API = "/api/v1"


@pytest.fixture
def plan_id(conn) -> int:
    return conn.execute("SELECT id FROM requisition_plans WHERE name = %s",
                        (DEMO_PLAN,)).fetchone()["id"]


@pytest.fixture
def planner(app):
    return api_login(app.test_client(), "planner")


def start(client, plan_id: int, status: int = 202, **body) -> dict:
    response = client.post(f"{API}/plans/{plan_id}/export-jobs", json=body)
    assert response.status_code == status, response.get_data(as_text=True)
    if status == 202:
        assert response.headers["Location"] == f"{API}/jobs/{response.get_json()['id']}"
    return response.get_json()


def test_the_package_as_a_job_is_the_direct_download(planner, plan_id, db_url):
    job = start(planner, plan_id, format="package", lang="zh")
    assert (job["state"], job["progress"]["done"], job["result_url"]) == ("queued", 0, None)
    assert job["message"] == "排队等待处理" and job["title"] == "报批材料包（ZIP）"
    en = planner.get(job["url"] + "?lang=en").get_json()
    assert en["message"] == "Waiting for a worker"
    assert planner.get(f"{API}/jobs/{job['id']}/result").status_code == 404  # not yet
    assert run_all(db_url) == 1
    done = planner.get(job["url"]).get_json()
    assert (done["state"], done["progress"]["percent"]) == ("done", 100)
    assert done["result_url"] == f"{API}/jobs/{job['id']}/result"
    response = planner.get(done["result_url"])
    direct = planner.get(f"{API}/plans/{plan_id}/export?format=package&lang=zh")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == direct.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = [n for n in archive.namelist() if not n.endswith("/")]
        manifest = json.loads(archive.read(next(n for n in names
                                                if n.endswith(package.MANIFEST_JSON))))
    assert len(names) == len(manifest["files"]) + 2  # and manifest.json, 清单.txt
    assert {f["format"] for f in manifest["files"]} == set(package.CONTENTS)


def test_the_options_are_the_exports(planner, plan_id, db_url):
    job = start(planner, plan_id, format="pdf", lang="en", numbering="plot")
    run_all(db_url)
    response = planner.get(f"{API}/jobs/{job['id']}/result")
    assert response.data.startswith(b"%PDF") and response.mimetype == "application/pdf"
    assert "report.pdf" in response.headers["Content-Disposition"]
    txt = start(planner, plan_id, format="txt", encoding="utf-8")
    run_all(db_url)
    assert planner.get(f"{API}/jobs/{txt['id']}/result").content_type == \
        "text/plain; charset=utf-8"


def test_what_the_export_refuses_the_job_refuses_at_once(app, planner, plan_id, conn):
    api_error(planner.post(f"{API}/plans/{plan_id}/export-jobs", json={"format": "docx"}), 400)
    api_error(planner.post(f"{API}/plans/{plan_id}/export-jobs",
                           json={"format": "gpkg", "encoding": "gbk"}), 400)
    api_error(planner.post(f"{API}/plans/{plan_id}/export-jobs", json={}), 400)
    api_error(planner.post(f"{API}/plans/999999/export-jobs", json={"format": "pdf"}), 404)
    # a viewer reads approved versions only: the demo plan is a draft
    viewer = api_login(app.test_client(), "viewer")
    api_error(viewer.post(f"{API}/plans/{plan_id}/export-jobs", json={"format": "pdf"}), 403)
    assert conn.execute("SELECT count(*) AS n FROM jobs").fetchone()["n"] == 0


def test_only_the_asker_or_an_admin_sees_a_job_others_get_404(app, planner, plan_id):
    job = start(planner, plan_id, format="pdf")
    admin, other = api_login(app.test_client(), "admin"), api_login(app.test_client(), "viewer")
    assert admin.get(job["url"]).status_code == 200
    for path in (job["url"], f"{job['url']}/result"):
        error = api_error(other.get(path), 404)
        assert str(job["id"]) in error["message"]
    assert other.get(f"{API}/jobs").get_json() == []
    assert [j["id"] for j in planner.get(f"{API}/jobs").get_json()] == [job["id"]]
    assert [j["id"] for j in planner.get(f"{API}/jobs?plan={plan_id}&active=1").get_json()] \
        == [job["id"]]
    assert planner.get(f"{API}/jobs?plan={plan_id + 1}").get_json() == []


def test_a_failed_job_says_why_in_the_users_language(planner, plan_id, conn, db_url):
    conn.execute("UPDATE parks SET settings = jsonb_set(settings, '{editing}', "
                 "'{\"max_overlap_m2\": 1e9}');"
                 "UPDATE plots SET geom = ST_Multi(ST_Transform(ST_Buffer(geom_gk, 5), 4490)) "
                 "WHERE code = 'NQ-04-01'")
    job = start(planner, plan_id, format="package")
    run_all(db_url)
    zh = planner.get(job["url"]).get_json()
    en = planner.get(job["url"] + "?lang=en").get_json()
    assert zh["state"] == en["state"] == "failed" and zh["result_url"] is None
    assert zh["message"] != en["message"] and "overlap" in en["message"].lower()


def test_the_recompute_job_is_the_admins(app, db_url, conn):
    api_error(api_login(app.test_client(), "planner").post(f"{API}/recompute-jobs", json={}), 403)
    admin = api_login(app.test_client(), "admin")
    api_error(admin.post(f"{API}/recompute-jobs", json={"park": "NOPE"}), 404)
    job = admin.post(f"{API}/recompute-jobs", json={"park": "JSCY"}).get_json()
    assert job["kind"] == "recompute" and job["park_id"] is not None
    run_all(db_url)
    done = admin.get(job["url"] + "?lang=en").get_json()
    assert (done["state"], done["message"], done["result_url"]) == ("done", "Done", None)


def test_openapi_describes_the_job_routes(client):
    paths = client.get(f"{API}/openapi.json").get_json()["paths"]
    for path in ("/plans/{plan_id}/export-jobs", "/jobs", "/jobs/{job_id}",
                 "/jobs/{job_id}/result", "/recompute-jobs"):
        assert path in paths, path


def test_cli_runs_and_purges_jobs(planner, plan_id, conn, db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("PARKATLAS_SECRET_KEY", "cli-test")
    job = start(planner, plan_id, format="txt")
    runner = CliRunner()
    out = runner.invoke(main, ["jobs", "work", "--once"], catch_exceptions=False).output
    assert "Ran 1 job" in out
    assert conn.execute("SELECT state FROM jobs").fetchone()["state"] == "done"
    out = runner.invoke(main, ["jobs", "purge"], catch_exceptions=False).output
    assert "Removed 0" in out
    conn.execute("UPDATE jobs SET finished_at = now() - interval '2 hours'")
    out = runner.invoke(main, ["jobs", "purge", "--hours", "1"], catch_exceptions=False).output
    assert "Removed 1" in out and job["id"]


def test_a_lower_migration_is_applied_to_a_database_that_has_higher_ones(empty_db_url,
                                                                         tmp_path):
    """0030 arrives after 0031-0034 were applied: upgrade applies the missing number."""
    from app import db

    folder = tmp_path / "migrations"
    shutil.copytree(migrations.MIGRATIONS_DIR, folder)
    source = tmp_path / "source"  # as the code was before jobs: no 19_jobs.sql either
    shutil.copytree(migrations.SOURCE_DIR, source)
    (folder / "0030_jobs.sql").unlink()
    (source / "19_jobs.sql").unlink()
    with db.connect(empty_db_url) as conn:
        migrations.upgrade(conn, folder, source)
        assert max(migrations.applied(conn)) > 30 and 30 not in migrations.applied(conn)
        assert migrations.pending(conn) == ["0030_jobs"]
        assert migrations.upgrade(conn) == ["0030_jobs"]
        assert conn.execute("SELECT to_regclass('jobs') IS NOT NULL AS t").fetchone()["t"]
