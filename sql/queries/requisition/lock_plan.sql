-- name: lock_plan(id)^
-- The plan row, locked for the rest of the transaction (edits to one plan queue up).
SELECT id, park_id, name, status, current_version, version FROM requisition_plans
WHERE id = :id FOR UPDATE;
