-- name: add(kind, park_id, plan_id, parameters, message, message_values, created_by)^
INSERT INTO jobs (kind, park_id, plan_id, parameters, message, message_values, created_by)
VALUES (:kind, :park_id, :plan_id, :parameters, :message, :message_values, :created_by)
RETURNING id;
