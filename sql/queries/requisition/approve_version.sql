-- name: approve_version(plan_id, version_no, approved_by)$
-- Approve a submitted version.
UPDATE plan_versions SET status = 'approved', approved_by = :approved_by, approved_at = now()
WHERE plan_id = :plan_id AND version_no = :version_no AND status = 'submitted'
RETURNING version_no;
