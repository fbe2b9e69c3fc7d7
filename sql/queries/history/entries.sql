-- name: entries(table_name, row_id, timezone, max_rows)
-- A record's audit entries, newest first: who (the user's name when the actor is one),
-- when (in the given time zone), and the row before and after.
SELECT a.id, a.action, a.actor, u.display_name,
       to_char(a.at AT TIME ZONE :timezone, 'YYYY-MM-DD HH24:MI:SS') AS at_local,
       a.before, a.after
FROM audit_log a
LEFT JOIN users u ON u.username = a.actor
WHERE a.table_name = :table_name AND a.row_id = :row_id
ORDER BY a.id DESC
LIMIT :max_rows;
