-- name: milestone_insert(project_id, stage, planned_on, actual_on)$
-- A project's milestone of a stage; returns its id.
INSERT INTO milestones (project_id, stage, planned_on, actual_on)
VALUES (:project_id, :stage, :planned_on::date, :actual_on::date) RETURNING id;
