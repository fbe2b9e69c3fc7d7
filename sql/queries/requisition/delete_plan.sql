-- name: delete_plan(id, version)$
-- Delete a plan that was never submitted, if nobody changed it since `version`.
DELETE FROM requisition_plans WHERE id = :id AND version = :version
RETURNING id;
