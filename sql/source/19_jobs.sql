-- Jobs (migration 0030, app/jobs/): claiming and retention, one statement each.

-- Claim one job for p_worker: the oldest queued one, else a running one whose heartbeat is
-- older than p_stale (its worker died: it is taken again). FOR UPDATE SKIP LOCKED: two
-- workers claiming at once get two different jobs, and neither waits for the other. A job
-- already claimed p_max_attempts times is not run again but failed (it kills its worker,
-- or outlasts the heartbeat every time).
CREATE OR REPLACE FUNCTION claim_job(p_worker text, p_stale interval, p_max_attempts integer)
RETURNS SETOF jobs
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE jobs SET state = 'failed', finished_at = now(), progress_done = 0,
                  message = 'The job stopped %(attempts)s times without finishing; it is not run again.',
                  message_values = jsonb_build_object('attempts', attempts)
  WHERE state = 'running' AND heartbeat_at < now() - p_stale AND attempts >= p_max_attempts;
  RETURN QUERY
  UPDATE jobs j SET state = 'running', worker = p_worker, attempts = j.attempts + 1,
                    started_at = now(), heartbeat_at = now(), progress_done = 0
  FROM (SELECT id FROM jobs
        WHERE state = 'queued' OR (state = 'running' AND heartbeat_at < now() - p_stale)
        ORDER BY state = 'running', created_at, id
        LIMIT 1 FOR UPDATE SKIP LOCKED) pick
  WHERE j.id = pick.id
  RETURNING j.*;
END $$;

-- Remove the jobs (and their results) finished more than p_hours ago; returns how many.
CREATE OR REPLACE FUNCTION purge_jobs(p_hours double precision) RETURNS integer
LANGUAGE sql AS $$
WITH gone AS (
  DELETE FROM jobs WHERE state IN ('done', 'failed')
                     AND finished_at < now() - make_interval(secs => p_hours * 3600)
  RETURNING 1)
SELECT count(*)::integer FROM gone;
$$;
