-- name: freeze_version(plan_id, version_no, result, submitted_by)!
-- Submit a draft version: store its result, and a snapshot of each plot's code and
-- geometry so the version's rows survive later edits or deletion of the plots.
WITH v AS (
  UPDATE plan_versions SET status = 'submitted', result = :result::jsonb,
         submitted_by = :submitted_by, submitted_at = now()
  WHERE plan_id = :plan_id AND version_no = :version_no AND status = 'draft'
  RETURNING plan_id
)
UPDATE plan_plots pp
SET snapshot = jsonb_build_object('code', p.code, 'area_m2', p.area_m2), geom = p.geom
FROM plots p
WHERE p.id = pp.plot_id AND pp.plan_id = :plan_id AND pp.plan_version = :version_no;
