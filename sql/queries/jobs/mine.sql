-- name: mine(created_by, plan_id, active_only)
-- A user's jobs, newest first (of one plan, running ones only, when asked).
SELECT id, kind, park_id, plan_id, parameters, state, progress_done, progress_total,
       message, message_values, file_name, file_ascii, media_type, attempts, created_by,
       created_at, started_at, finished_at, heartbeat_at, result IS NOT NULL AS has_result
FROM jobs
WHERE created_by = :created_by
  AND (:plan_id::integer IS NULL OR plan_id = :plan_id)
  AND (NOT :active_only OR state IN ('queued', 'running'))
ORDER BY created_at DESC, id DESC
LIMIT 100;
