-- name: insert_plan(park_id, name, selection, created_by)^
-- A new plan at version 1 (draft).
INSERT INTO requisition_plans (park_id, name, selection, created_by)
VALUES (:park_id, :name, :selection::jsonb, :created_by)
RETURNING id;
