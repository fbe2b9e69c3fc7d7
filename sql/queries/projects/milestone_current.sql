-- name: milestone_current(id, project_id)^
-- A milestone of a project as it is now (what a 409 carries).
SELECT id, stage, planned_on, actual_on, version FROM milestones
WHERE id = :id AND project_id = :project_id;
