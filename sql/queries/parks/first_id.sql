-- name: first_id()$
-- The lowest park id (the default park of the map).
SELECT min(id) FROM parks;
