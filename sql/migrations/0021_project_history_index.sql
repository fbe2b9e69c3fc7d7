-- 0021 a project's history reads the audit rows of its milestones, progress reports and
-- plot links by the project they belong to: an index on that, for those tables only.
CREATE INDEX IF NOT EXISTS audit_log_project_idx
  ON audit_log (table_name, ((coalesce(after, before) ->> 'project_id')))
  WHERE table_name IN ('milestones', 'progress_reports', 'project_plots');
