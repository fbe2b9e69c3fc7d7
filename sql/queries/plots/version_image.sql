-- name: version_image(id, version)^
-- A plot as it was at one of its versions: the newest audit image of that version (the
-- audit log keeps every row before and after each change; geom as GeoJSON).
SELECT a.after AS image
FROM audit_log a
WHERE a.table_name = 'plots' AND a.row_id = :id::text AND a.after IS NOT NULL
  AND a.after ->> 'version' = :version::text
ORDER BY a.id DESC LIMIT 1;
