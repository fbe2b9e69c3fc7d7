-- name: count()$
-- How many parks are loaded.
SELECT count(*) FROM parks;
