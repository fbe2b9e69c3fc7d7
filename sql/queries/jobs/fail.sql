-- name: fail(id, worker, message, message_values)^
UPDATE jobs SET state = 'failed', message = :message, message_values = :message_values,
                finished_at = now(), heartbeat_at = now()
WHERE id = :id AND worker = :worker AND state = 'running'
RETURNING id;
