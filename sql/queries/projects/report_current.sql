-- name: report_current(id, project_id)^
-- A progress report of a project as it is now (what a 409 carries).
SELECT id, reported_on, progress_pct, investment_done, note, reporter, version
FROM progress_reports WHERE id = :id AND project_id = :project_id;
