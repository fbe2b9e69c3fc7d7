-- name: report_update(id, project_id, version, changes)$
-- Change a progress report at the version read; returns the new version.
UPDATE progress_reports p SET (reported_on, progress_pct, investment_done, note, reporter) =
  (SELECT r.reported_on, r.progress_pct, r.investment_done, r.note, r.reporter
   FROM jsonb_populate_record(p, :changes::jsonb) AS r)
WHERE p.id = :id AND p.project_id = :project_id AND p.version = :version
RETURNING p.version;
