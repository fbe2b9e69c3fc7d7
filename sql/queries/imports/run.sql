-- name: run(id)^
-- One import run.
SELECT id, park_id, layer, file_name, format, actor, started_at, finished_at, state, choices,
       counts, report, folder
FROM import_runs WHERE id = :id;
