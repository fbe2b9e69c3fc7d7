-- name: milestone_delete(id, project_id, version)$
-- Remove a milestone at the version read.
DELETE FROM milestones WHERE id = :id AND project_id = :project_id AND version = :version
RETURNING id;
