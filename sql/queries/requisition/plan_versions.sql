-- name: plan_versions(plan_id)
-- The versions of a plan, oldest first, without their frozen results; the days they were
-- created, submitted and approved are dates in the park's time zone.
SELECT v.version_no, v.status, v.created_by, v.created_at, v.submitted_by, v.submitted_at,
       v.approved_by, v.approved_at,
       (v.created_at AT TIME ZONE tz.name)::date AS created_on,
       (v.submitted_at AT TIME ZONE tz.name)::date AS submitted_on,
       (v.approved_at AT TIME ZONE tz.name)::date AS approved_on,
       (SELECT count(*) FROM plan_plots pp
        WHERE pp.plan_id = v.plan_id AND pp.plan_version = v.version_no) AS plot_count
FROM plan_versions v
JOIN requisition_plans rp ON rp.id = v.plan_id
CROSS JOIN LATERAL (SELECT park_timezone(rp.park_id) AS name) tz
WHERE v.plan_id = :plan_id ORDER BY v.version_no;
