-- name: insert_version(plan_id, version_no, created_by)!
-- A new draft version of a plan.
INSERT INTO plan_versions (plan_id, version_no, created_by)
VALUES (:plan_id, :version_no, :created_by);
