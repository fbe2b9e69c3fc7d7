-- The audit trail's entries of one table since an instant (audit_rows_at: the projects and
-- their milestones as recorded at the end of a 旬, issue 12): by table, then time, so that
-- the ranking and the 旬报 read only the entries since the end of the 旬 they are for.
CREATE INDEX IF NOT EXISTS audit_log_table_at_idx ON audit_log (table_name, at);
