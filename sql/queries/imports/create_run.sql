-- name: create_run(park_id, layer, file_name, format, actor, folder, choices)$
-- Record an import run as it starts (open until committed, refused or cancelled).
INSERT INTO import_runs (park_id, layer, file_name, format, actor, folder, choices)
VALUES (:park_id, :layer, :file_name, :format, :actor, :folder, :choices::jsonb)
RETURNING id;
