-- name: version_image(id, version)^
-- A plot as it was at one of its versions: the newest audit image of that version (the
-- audit log keeps every row before and after each change; geom as GeoJSON). A plot loaded
-- or imported in bulk has no image of its first version in its insert's entry (migration
-- 0027): its first update's before-image is that version.
SELECT CASE WHEN a.after ->> 'version' = :version::text THEN a.after ELSE a.before END AS image
FROM audit_log a
WHERE a.table_name = 'plots' AND a.row_id = :id::text
  AND (a.after ->> 'version' = :version::text OR a.before ->> 'version' = :version::text)
ORDER BY a.id DESC LIMIT 1;
