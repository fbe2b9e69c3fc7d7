"""Jobs (app/jobs/): claiming by several workers, orphans taken again, failures stored as
catalogue messages, who sees a job, retention and progress that only moves forward."""

from __future__ import annotations

import io
import logging
import threading
import zipfile

import pytest
from flask_babel import force_locale, gettext

from app import db
from app.errors import Forbidden, NotFound, Text
from app.exporters import package
from app.jobs import job, kinds, worker
from tests.builders import app_url
from tests.builders import run_jobs as run_all


@pytest.fixture
def plan_id(conn) -> int:
    return conn.execute("SELECT min(id) AS id FROM requisition_plans").fetchone()["id"]


def export_job(conn, plan_id: int, fmt: str = "package", actor: str = "test-planner",
               role: str = "planner") -> int:
    return job.start_plan_export(conn, plan_id, fmt, {}, None, actor, role)


def row(conn, job_id: int) -> dict:
    return conn.execute("SELECT * FROM jobs WHERE id = %s", (job_id,)).fetchone()


def translated(data: dict, lang: str, app) -> str:
    with app.test_request_context(), force_locale(lang):
        return data["message"].translate(gettext)


def test_two_workers_claiming_at_once_get_two_different_jobs(conn, db_url, plan_id):
    first, second = export_job(conn, plan_id), export_job(conn, plan_id, "pdf")
    # a's claim holds its row until a commits
    with db.connect(db_url) as a, db.connect(db_url) as b, a.transaction():
        claimed_a = worker.queries().jobs.claim(a, worker="a", stale_seconds=60,
                                                max_attempts=3)
        claimed_b = worker.queries().jobs.claim(b, worker="b", stale_seconds=60,
                                                max_attempts=3)  # skips, does not wait
        assert worker.queries().jobs.claim(b, worker="b", stale_seconds=60,
                                           max_attempts=3) is None
    assert {claimed_a["id"], claimed_b["id"]} == {first, second}
    assert claimed_a["id"] == first  # the oldest first
    assert {r["worker"] for r in conn.execute("SELECT worker FROM jobs").fetchall()} == {"a", "b"}


def test_a_job_whose_worker_stopped_beating_is_taken_again(conn, db_url, plan_id):
    job_id = export_job(conn, plan_id)
    dead = worker.queries().jobs.claim(conn, worker="dead", stale_seconds=60, max_attempts=3)
    assert dead["id"] == job_id and dead["attempts"] == 1
    # still beating: nobody else takes it
    assert worker.queries().jobs.claim(conn, worker="alive", stale_seconds=60,
                                       max_attempts=3) is None
    conn.execute("UPDATE jobs SET heartbeat_at = now() - interval '5 minutes'")
    assert run_all(db_url) == 1
    done = row(conn, job_id)
    assert (done["state"], done["attempts"]) == ("done", 2)
    with zipfile.ZipFile(io.BytesIO(done["result"])) as archive:
        assert any(n.endswith(package.MANIFEST_JSON) for n in archive.namelist())
    # the dead worker, should it wake up, can write nothing more
    with pytest.raises(worker.Lost):
        worker.Reporter(conn, job_id, "dead")(1, 2, Text(kinds.COMPUTING))


def test_a_job_that_stopped_its_worker_too_often_fails(conn, db_url, plan_id, app):
    job_id = export_job(conn, plan_id)
    conn.execute("UPDATE jobs SET state = 'running', attempts = 3, worker = 'w', "
                 "heartbeat_at = now() - interval '5 minutes'")
    assert run_all(db_url) == 0
    data = job.get(conn, job_id, "test-planner", "planner")
    assert data["state"] == "failed"
    assert translated(data, "en", app) == ("The job stopped 3 times without finishing; it is "
                                           "not run again.")
    assert translated(data, "zh", app) != translated(data, "en", app)


def test_a_refused_export_fails_with_the_domains_message_in_both_languages(
        conn, db_url, plan_id, app):
    conn.execute("UPDATE parks SET settings = jsonb_set(settings, '{editing}', "
                 "'{\"max_overlap_m2\": 1e9}');"
                 "UPDATE plots SET geom = ST_Multi(ST_Transform(ST_Buffer(geom_gk, 5), 4490)) "
                 "WHERE code = 'NQ-04-01'")
    job_id = export_job(conn, plan_id, "pdf")
    run_all(db_url)
    data = job.get(conn, job_id, "test-planner", "planner")
    assert data["state"] == "failed" and not data["has_result"]
    en, zh = translated(data, "en", app), translated(data, "zh", app)
    assert "overlap" in en.lower() and en != zh


def test_an_unexpected_failure_is_stored_without_its_detail(conn, db_url, plan_id, app,
                                                            monkeypatch, caplog):
    def broken(*_args):
        raise RuntimeError("secret detail of the server")
    monkeypatch.setitem(kinds.RUNNERS, "plan_export", broken)
    job_id = export_job(conn, plan_id)
    with caplog.at_level(logging.ERROR, logger="app.jobs.worker"):
        run_all(db_url)
    data = job.get(conn, job_id, "test-planner", "planner")
    assert data["state"] == "failed"
    for lang in ("en", "zh"):
        text = translated(data, lang, app)
        assert str(job_id) in text and "secret" not in text
    assert translated(data, "en", app) == \
        f"The job failed; the server's log says why (job {job_id})."
    assert "secret detail of the server" in caplog.text  # the detail goes to the log


def test_only_the_asker_or_an_admin_sees_a_job(conn, plan_id):
    job_id = export_job(conn, plan_id, actor="alice")
    assert job.get(conn, job_id, "alice", "viewer")["id"] == job_id
    assert job.get(conn, job_id, "root", "admin")["id"] == job_id
    for actor, role in (("bob", "planner"), ("bob", "viewer"), ("anonymous", None)):
        with pytest.raises(NotFound):
            job.get(conn, job_id, actor, role)
        with pytest.raises(NotFound):
            job.result(conn, job_id, actor, role)
    assert [j["id"] for j in job.mine(conn, "alice")] == [job_id]
    assert job.mine(conn, "bob") == []


def test_finished_jobs_are_purged_after_the_retention(conn, db_url, plan_id):
    old, recent, running = (export_job(conn, plan_id) for _ in range(3))
    conn.execute("UPDATE jobs SET state = 'done', result = '\\x00', "
                 "finished_at = now() - interval '25 hours' WHERE id = %s", (old,))
    conn.execute("UPDATE jobs SET state = 'failed', finished_at = now() - interval '23 hours' "
                 "WHERE id = %s", (recent,))
    conn.execute("UPDATE jobs SET state = 'running', worker = 'w', heartbeat_at = now(), "
                 "started_at = now() - interval '30 hours' WHERE id = %s", (running,))
    assert worker.purge(conn, 24) == 1
    assert {r["id"] for r in conn.execute("SELECT id FROM jobs").fetchall()} == {recent, running}
    # the worker purges too, when it finds nothing to do
    conn.execute("UPDATE jobs SET finished_at = now() - interval '2 hours' WHERE id = %s",
                 (recent,))
    worker.Worker(app_url(db_url), worker.Settings(retention_hours=1)).work(
        threading.Event(), once=True)
    assert {r["id"] for r in conn.execute("SELECT id FROM jobs").fetchall()} == {running}


def test_progress_comes_from_the_work_and_only_moves_forward(conn, db_url, plan_id,
                                                             monkeypatch):
    monkeypatch.setattr(worker, "WRITE_EVERY_SECONDS", 0)
    seen: list[tuple[int, int, str]] = []
    write = worker.Reporter.__call__

    def record(self, done, total, message):
        write(self, done, total, message)
        stored = row(conn, self.job_id)
        seen.append((stored["progress_done"], stored["progress_total"], stored["message"]))
    monkeypatch.setattr(worker.Reporter, "__call__", record)
    job_id = export_job(conn, plan_id)
    run_all(db_url)
    assert row(conn, job_id)["state"] == "done"
    done = [d for d, _t, _m in seen]
    assert done == sorted(done) and done[-1] <= 1000 and {t for _d, t, _m in seen} == {1000}
    messages = {m for _d, _t, m in seen}
    # a stage per file of the package, then the ZIP
    assert {kinds.COMPUTING, package.WRITING, package.ZIPPING} <= messages
    assert len(seen) >= len(package.CONTENTS) + 2
    # the PDF inside the package reports its pages within its step
    assert any(m.startswith("Laying out page") for m in messages)
    # a lower figure written later does not move it back
    conn.execute("UPDATE jobs SET state = 'running', worker = 'w', progress_done = 500")
    worker.Reporter(conn, job_id, "w")(100, 1000, Text(kinds.COMPUTING))
    assert row(conn, job_id)["progress_done"] == 500


def test_the_pdf_reports_its_pages(conn, db_url, plan_id, monkeypatch):
    monkeypatch.setattr(worker, "WRITE_EVERY_SECONDS", 0)
    pages = []
    monkeypatch.setattr(worker.Reporter, "__call__",
                        lambda self, d, t, m: pages.append(m.values.get("page")))
    export_job(conn, plan_id, "pdf")
    run_all(db_url)
    pages = [p for p in pages if p]
    assert pages == list(range(1, len(pages) + 1)) and len(pages) >= 3


def test_a_recompute_job_reports_its_plots(conn, db_url, monkeypatch):
    monkeypatch.setattr(worker, "WRITE_EVERY_SECONDS", 0)
    with pytest.raises(Forbidden):
        job.start_recompute(conn, None, None, "test-planner", "planner")
    job_id = job.start_recompute(conn, None, None, "test-admin", "admin")
    conn.execute("DELETE FROM plot_status")
    run_all(db_url)
    done = row(conn, job_id)
    assert (done["state"], done["progress_done"], done["progress_total"]) == ("done", 1000, 1000)
    plots = conn.execute("SELECT count(*) AS n FROM plots").fetchone()
    assert conn.execute("SELECT count(*) AS n FROM plot_status").fetchone()["n"] >= plots["n"] > 0
