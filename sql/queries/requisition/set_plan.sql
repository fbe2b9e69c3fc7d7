-- name: set_plan(id, version, name, status, current_version)$
-- Rename a plan, move it to a status or a version, if nobody changed it since `version`.
UPDATE requisition_plans
SET name = coalesce(:name, name), status = coalesce(:status, status),
    current_version = coalesce(:current_version, current_version), updated_at = now()
WHERE id = :id AND version = :version
RETURNING version;
