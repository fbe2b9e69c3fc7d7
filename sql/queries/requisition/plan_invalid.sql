-- name: plan_invalid(plan_id, version_no)
-- Plots of a plan version whose GK geometry is not valid, with the reason.
SELECT p.code, ST_IsValidReason(p.geom_gk) AS reason
FROM plan_plots pp JOIN plots p ON p.id = pp.plot_id
WHERE pp.plan_id = :plan_id AND pp.plan_version = :version_no AND NOT ST_IsValid(p.geom_gk)
ORDER BY p.code;
