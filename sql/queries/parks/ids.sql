-- name: ids()
-- Every park id.
SELECT id FROM parks ORDER BY id;
