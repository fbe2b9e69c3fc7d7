-- name: version(id)$
-- A project's current version (to tell a conflict from a missing project).
SELECT version FROM projects WHERE id = :id;
