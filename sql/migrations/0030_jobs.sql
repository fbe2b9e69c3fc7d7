-- 0030 jobs (issue 14 item 5): work that outlasts a request (a plan's export package or
-- PDF, a recompute of one park or of all) runs as a job, claimed by a worker thread of the
-- app or by `parkatlas jobs work`, with its progress, its state in the user's language (a
-- catalogue message id and its values, translated when read) and its result.
--
-- The result is kept here as bytea, not as a file under the instance folder: it is
-- written in the same transaction as the state `done` (no finished job without its file,
-- no file left behind by a failed or purged job), every app server and worker process
-- that shares the database reads it (no shared folder to set up), and the retention purge
-- is one DELETE. A 2 000-plot plan's package is a few MB; results live a day by default.

CREATE TABLE IF NOT EXISTS jobs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('plan_export', 'recompute')),
  park_id integer REFERENCES parks (id) ON DELETE CASCADE,  -- NULL: every park
  plan_id integer REFERENCES requisition_plans (id) ON DELETE CASCADE,
  parameters jsonb NOT NULL DEFAULT '{}',
  state text NOT NULL DEFAULT 'queued'
    CHECK (state IN ('queued', 'running', 'done', 'failed')),
  progress_done integer NOT NULL DEFAULT 0 CHECK (progress_done >= 0),
  progress_total integer NOT NULL DEFAULT 1 CHECK (progress_total >= 1),
  -- what the job is doing (or why it failed): an English message id of the catalogue with
  -- its %(name)s values (a value may itself be {"msgid", "values"})
  message text NOT NULL,
  message_values jsonb NOT NULL DEFAULT '{}',
  result bytea,
  file_name text,        -- as the download names it (UTF-8)
  file_ascii text,       -- its ASCII fallback (Content-Disposition filename=)
  media_type text,
  attempts integer NOT NULL DEFAULT 0,  -- claims so far (a dead worker's job is retaken)
  worker text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  heartbeat_at timestamptz
);

-- claiming: the oldest queued job, then a running one whose worker stopped beating
CREATE INDEX IF NOT EXISTS jobs_queued ON jobs (created_at, id) WHERE state = 'queued';
CREATE INDEX IF NOT EXISTS jobs_running ON jobs (heartbeat_at) WHERE state = 'running';
-- retention
CREATE INDEX IF NOT EXISTS jobs_finished ON jobs (finished_at) WHERE state IN ('done', 'failed');
-- a user's jobs, a plan's jobs
CREATE INDEX IF NOT EXISTS jobs_asker ON jobs (created_by, created_at DESC);
CREATE INDEX IF NOT EXISTS jobs_plan ON jobs (plan_id, created_at DESC) WHERE plan_id IS NOT NULL;
