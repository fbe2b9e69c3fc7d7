-- name: advance_stage(id, version, from_stage, to_stage)$
-- Move a project from a stage to the next if it still has the version the mover read and
-- is still at that stage; returns the new version (NULL: stale or absent).
UPDATE projects SET stage = :to_stage, updated_at = now()
WHERE id = :id AND version = :version AND stage = :from_stage
RETURNING version;
