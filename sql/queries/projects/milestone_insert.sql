-- name: milestone_insert(project_id, values)$
-- A project's milestone of a stage from a JSON object of its columns; returns its id.
INSERT INTO milestones (project_id, stage, planned_on, actual_on)
SELECT :project_id, r.stage, r.planned_on, r.actual_on
FROM jsonb_populate_record(NULL::milestones, :values::jsonb) AS r
RETURNING id;
