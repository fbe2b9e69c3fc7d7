"""Jobs (issue 14 item 5): work that outlasts a request, run by a worker with progress.

- `job`: starting a job (a plan export, a recompute), reading one or a user's list as the
  user may see them (the asker or an admin; anyone else gets 404), its result;
- `worker`: claiming (FOR UPDATE SKIP LOCKED), running, progress and heartbeat, orphans
  retaken, failures stored as catalogue messages, retention; the threads of the app and
  `parkatlas jobs work` both run a `Worker`;
- `kinds`: what each kind of job does (the domain code reports its progress through a
  callback `progress(done, total, message)` and knows nothing of jobs);
- `web`: the factory's glue that starts the worker threads.

The table is `jobs` (migration 0030); claiming and retention are `claim_job()` and
`purge_jobs()` (sql/source/19_jobs.sql).
"""
