-- name: version(id)$
-- A plot's current version (to tell a conflict from a missing plot).
SELECT version FROM plots WHERE id = :id;
