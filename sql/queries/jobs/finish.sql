-- name: finish(id, worker, result, file_name, file_ascii, media_type, message, message_values)^
UPDATE jobs SET state = 'done', progress_done = progress_total, result = :result,
                file_name = :file_name, file_ascii = :file_ascii, media_type = :media_type,
                message = :message, message_values = :message_values,
                finished_at = now(), heartbeat_at = now()
WHERE id = :id AND worker = :worker AND state = 'running'
RETURNING id;
