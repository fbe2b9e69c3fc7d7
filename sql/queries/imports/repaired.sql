-- name: repaired()
-- The staged features whose geometry ST_MakeValid repaired.
SELECT n FROM import_stage WHERE repaired ORDER BY n;
