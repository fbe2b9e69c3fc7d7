-- name: delete(id, version)$
-- Delete a project (its plots' links, milestones and reports go with it) at the version read.
DELETE FROM projects WHERE id = :id AND version = :version RETURNING id;
