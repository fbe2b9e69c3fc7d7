-- name: history(id, timezone, max_rows)
-- The audit entries of a project and of its milestones, progress reports and plot links,
-- newest first: who, when (in the time zone), which table, the row before and after.
SELECT a.id, a.table_name, a.row_id, a.action, a.actor, u.display_name,
       to_char(a.at AT TIME ZONE :timezone, 'YYYY-MM-DD HH24:MI:SS') AS at_local,
       a.before, a.after
FROM audit_log a
LEFT JOIN users u ON u.username = a.actor
WHERE (a.table_name = 'projects' AND a.row_id = :id::text)
   OR (a.table_name IN ('milestones', 'progress_reports', 'project_plots')
       AND coalesce(a.after, a.before) ->> 'project_id' = :id::text)
ORDER BY a.id DESC
LIMIT :max_rows;
