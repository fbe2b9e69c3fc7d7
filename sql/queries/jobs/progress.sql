-- name: progress(id, worker, done, total, message, message_values)^
-- The job's progress and heartbeat, while this worker still holds it (another may have
-- retaken it as an orphan: then nothing is written and the worker stops).
UPDATE jobs SET progress_done = greatest(progress_done, least(:done, :total)),
                progress_total = :total, message = :message,
                message_values = :message_values, heartbeat_at = now()
WHERE id = :id AND worker = :worker AND state = 'running'
RETURNING id;
