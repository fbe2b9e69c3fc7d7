-- name: progress(id)
-- A project's progress reports, newest first.
SELECT id, reported_on, progress_pct, investment_done, note, reporter, version
FROM progress_reports WHERE project_id = :id ORDER BY reported_on DESC;
