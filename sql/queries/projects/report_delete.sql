-- name: report_delete(id, project_id, version)$
-- Remove a progress report at the version read.
DELETE FROM progress_reports WHERE id = :id AND project_id = :project_id AND version = :version
RETURNING id;
