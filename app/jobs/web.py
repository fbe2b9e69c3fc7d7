"""The app's job workers: armed by the factory, started by the first request of the
process (so neither a CLI command, which builds the app too, nor gunicorn's master before
it forks runs them), PARKATLAS_JOB_WORKERS of them (0: none, e.g. tests that drive a
`Worker` by hand)."""

from __future__ import annotations

import threading

from . import worker


def init_app(app) -> None:
    settings = worker.Settings.of(app.config)
    if settings.workers <= 0:
        return
    started = threading.Lock()
    app.extensions["parkatlas_jobs"] = {"stop": threading.Event(), "threads": []}

    @app.before_request
    def _start_job_workers():
        state = app.extensions["parkatlas_jobs"]
        if state["threads"]:
            return
        with started:
            if not state["threads"]:
                state["threads"] = worker.start(app.config["DATABASE_URL"], settings,
                                                state["stop"])
