-- name: report_insert(project_id, values)$
-- A progress report of a project from a JSON object of its columns; returns its id.
INSERT INTO progress_reports (project_id, reported_on, progress_pct, investment_done, note,
                              reporter)
SELECT :project_id, r.reported_on, r.progress_pct, r.investment_done, r.note, r.reporter
FROM jsonb_populate_record(NULL::progress_reports, :values::jsonb) AS r
RETURNING id;
