-- name: milestone_update(id, project_id, version, changes)$
-- Change a milestone's dates at the version read; returns the new version.
UPDATE milestones m SET (planned_on, actual_on) =
  (SELECT r.planned_on, r.actual_on FROM jsonb_populate_record(m, :changes::jsonb) AS r)
WHERE m.id = :id AND m.project_id = :project_id AND m.version = :version
RETURNING m.version;
