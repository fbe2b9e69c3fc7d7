-- name: entries(table_name, row_id, timezone, max_rows)
-- A record's audit entries, newest first: who (the user's name when the actor is one),
-- when (in the given time zone), and the row before and after; a bulk write's entry
-- (migration 0027: no images, the ids in row_ids) with its source.
SELECT a.id, a.action, a.actor, u.display_name,
       to_char(a.at AT TIME ZONE :timezone, 'YYYY-MM-DD HH24:MI:SS') AS at_local,
       CASE WHEN a.row_ids IS NULL THEN a.before END AS before,
       CASE WHEN a.row_ids IS NULL THEN a.after END AS after, a.source
FROM audit_log a
LEFT JOIN users u ON u.username = a.actor
WHERE a.table_name = :table_name
  AND (a.row_id = :row_id
       OR (a.row_ids IS NOT NULL
           AND a.row_ids @> ARRAY[substring(:row_id FROM '^[0-9]{1,9}$')::integer]))
ORDER BY a.id DESC
LIMIT :max_rows;
