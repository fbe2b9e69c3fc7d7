-- name: get(id)^
SELECT id, kind, park_id, plan_id, parameters, state, progress_done, progress_total,
       message, message_values, file_name, file_ascii, media_type, attempts, created_by,
       created_at, started_at, finished_at, heartbeat_at, result IS NOT NULL AS has_result
FROM jobs WHERE id = :id;
