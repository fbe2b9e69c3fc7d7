"""Workers: claim a job, run it with progress and heartbeat, store its file or its failure.

A worker claims with `claim_job()` (FOR UPDATE SKIP LOCKED: two workers get two different
jobs). While the job runs, each progress report is also its heartbeat; a job left
`running` whose heartbeat is older than `stale_seconds` belonged to a worker that died (a
killed process, a lost server) and is claimed again, at most `max_attempts` times. A job
that raises fails with a catalogue message: the domain's own (a draft's problems, a
forbidden version) or "the job failed" with its id, the detail going to the log, never to
the user. Finished jobs and their files are removed after `retention_hours`.

The app runs `workers` of these in threads (`start`), `parkatlas jobs work` one in the
foreground; each has its own connection (a job holds it for minutes, which the request
pool must not lose).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass

import psycopg

from ..db import connect, queries, set_actor
from ..errors import AtlasError, Text
from ..labels import N_
from . import kinds
from .job import DONE, text_values

log = logging.getLogger(__name__)
FAILED = N_("The job failed; the server's log says why (job %(id)s).")
# written by claim_job() (sql/source/19_jobs.sql) to a job that outlasted max_attempts
STOPPED = N_("The job stopped %(attempts)s times without finishing; it is not run again.")
# progress is written at most this often (each write is a round trip), first and last always
WRITE_EVERY_SECONDS = 0.5
# a worker purges finished jobs at most this often
PURGE_EVERY_SECONDS = 600
#: woken when this process queues a job, so its own workers need not wait for the poll
WAKE = threading.Event()


@dataclass(frozen=True)
class Settings:
    """PARKATLAS_JOB_* (README, Configuration)."""

    workers: int = 1
    stale_seconds: float = 120
    retention_hours: float = 24
    poll_seconds: float = 2
    max_attempts: int = 3

    @classmethod
    def of(cls, config) -> Settings:
        return cls(workers=config["JOB_WORKERS"], stale_seconds=config["JOB_STALE_SECONDS"],
                   retention_hours=config["JOB_RETENTION_HOURS"],
                   poll_seconds=config["JOB_POLL_SECONDS"],
                   max_attempts=config["JOB_MAX_ATTEMPTS"])


class Lost(Exception):
    """The job is no longer this worker's (taken again as an orphan): stop working on it."""


class Reporter:
    """The progress callback of one claimed job: writes progress and heartbeat (at most
    every WRITE_EVERY_SECONDS, the first report and the end of a stage always)."""

    def __init__(self, conn: psycopg.Connection, job_id: int, worker: str):
        self.conn, self.job_id, self.worker = conn, job_id, worker
        self.written = 0.0

    def __call__(self, done: int, total: int, message: Text) -> None:
        now = time.monotonic()
        if now - self.written < WRITE_EVERY_SECONDS and done < total:
            return
        self.written = now
        if queries().jobs.progress(self.conn, id=self.job_id, worker=self.worker, done=done,
                                   total=total, message=message.msgid,
                                   message_values=_json(message)) is None:
            raise Lost(self.job_id)


def _json(text: Text) -> str:
    return json.dumps(text_values(text), ensure_ascii=False, default=str)


class Worker:
    """Claims and runs jobs on one connection to `url`."""

    def __init__(self, url: str, settings: Settings, name: str | None = None):
        self.url, self.settings = url, settings
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
        self.purged = 0.0

    def run_once(self, conn: psycopg.Connection) -> int | None:
        """Claim one job and run it to its end; its id, or None when none was waiting."""
        job = queries().jobs.claim(conn, worker=self.name,
                                   stale_seconds=self.settings.stale_seconds,
                                   max_attempts=self.settings.max_attempts)
        if job is None or job["id"] is None:
            return None
        self.run(conn, job)
        return job["id"]

    def run(self, conn: psycopg.Connection, job: dict) -> None:
        set_actor(conn, f"job:{job['created_by']}")
        try:
            done = kinds.RUNNERS[job["kind"]](conn, job, Reporter(conn, job["id"], self.name),
                                              self.url)
        except Lost:
            log.warning("job %s was taken by another worker", job["id"])
            return
        except AtlasError as exc:
            log.info("job %s refused: %s", job["id"], exc.message)
            self._fail(conn, job["id"], exc.text or Text(FAILED, id=job["id"]))
            return
        except Exception:  # noqa: BLE001 - any failure of the work fails the job, not the worker
            log.exception("job %s (%s) failed", job["id"], job["kind"])
            self._fail(conn, job["id"], Text(FAILED, id=job["id"]))
            return
        data, name, ascii_name, media = done or (None, None, None, None)
        queries().jobs.finish(conn, id=job["id"], worker=self.name, result=data,
                              file_name=name, file_ascii=ascii_name, media_type=media,
                              message=DONE, message_values="{}")

    def _fail(self, conn: psycopg.Connection, job_id: int, text: Text) -> None:
        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            conn.rollback()
        queries().jobs.fail(conn, id=job_id, worker=self.name, message=text.msgid,
                            message_values=_json(text))

    def purge_due(self, conn: psycopg.Connection) -> int:
        """Remove the jobs finished more than retention_hours ago, at most every
        PURGE_EVERY_SECONDS; how many were removed."""
        if time.monotonic() - self.purged < PURGE_EVERY_SECONDS and self.purged:
            return 0
        self.purged = time.monotonic()
        return purge(conn, self.settings.retention_hours)

    def work(self, stop: threading.Event, once: bool = False) -> int:
        """Run jobs until `stop` is set (or, `once`, until none is waiting); how many ran.
        A lost connection is opened again after a poll interval."""
        ran = 0
        while not stop.is_set():
            try:
                with connect(self.url, actor="jobs") as conn:
                    while not stop.is_set():
                        if self.run_once(conn) is not None:
                            ran += 1
                            continue
                        self.purge_due(conn)
                        if once:
                            return ran
                        WAKE.wait(self.settings.poll_seconds)
                        WAKE.clear()
            except psycopg.OperationalError:
                log.exception("job worker %s lost its database connection", self.name)
                if once:
                    raise
                stop.wait(self.settings.poll_seconds)
        return ran


def purge(conn: psycopg.Connection, hours: float) -> int:
    """Remove the jobs (and their files) finished more than `hours` ago; how many."""
    return queries().jobs.purge(conn, hours=hours)


def start(url: str, settings: Settings, stop: threading.Event) -> list[threading.Thread]:
    """Start `settings.workers` worker threads (daemons: they end with the process)."""
    threads = []
    for n in range(settings.workers):
        worker = Worker(url, settings, name=f"{socket.gethostname()}:{os.getpid()}:t{n}")
        thread = threading.Thread(target=worker.work, args=(stop,), daemon=True,
                                  name=f"parkatlas-job-{n}")
        thread.start()
        threads.append(thread)
    return threads
