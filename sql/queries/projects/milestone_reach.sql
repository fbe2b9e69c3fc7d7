-- name: milestone_reach(project_id, stage, actual_on, version)$
-- Record the actual date a project reached a stage: a new milestone, or the stage's
-- milestone at the version the mover read (NULL version: there was none); returns its id
-- (NULL: somebody added or changed it meanwhile).
INSERT INTO milestones AS m (project_id, stage, actual_on)
VALUES (:project_id, :stage, :actual_on::date)
ON CONFLICT (project_id, stage) DO UPDATE SET actual_on = excluded.actual_on
WHERE m.version = :version
RETURNING m.id;
