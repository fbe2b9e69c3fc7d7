-- name: plan_versions(plan_id)
-- The versions of a plan, oldest first, without their frozen results.
SELECT v.version_no, v.status, v.created_by, v.created_at, v.submitted_by, v.submitted_at,
       v.approved_by, v.approved_at,
       (SELECT count(*) FROM plan_plots pp
        WHERE pp.plan_id = v.plan_id AND pp.plan_version = v.version_no) AS plot_count
FROM plan_versions v WHERE v.plan_id = :plan_id ORDER BY v.version_no;
