-- name: get_version(plan_id, version_no)^
-- One version of a plan, with its frozen result when it was submitted.
SELECT * FROM plan_versions WHERE plan_id = :plan_id AND version_no = :version_no;
