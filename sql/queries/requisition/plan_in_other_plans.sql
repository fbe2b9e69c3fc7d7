-- name: plan_in_other_plans(plan_id, version_no)
-- Plots of a plan version that are also in the current version of another open plan
-- (draft or submitted) of the same park: the same land would be requisitioned twice.
-- One row per plot and other plan (plan_plots_plot_idx finds the other plans' rows).
SELECT p.code, o.id AS other_id, o.name AS other_name, o.status AS other_status,
       o.current_version AS other_version
FROM plan_plots pp
JOIN requisition_plans me ON me.id = pp.plan_id
JOIN plots p ON p.id = pp.plot_id
JOIN plan_plots op ON op.plot_id = pp.plot_id AND op.plan_id <> pp.plan_id
JOIN requisition_plans o ON o.id = op.plan_id AND o.current_version = op.plan_version
                        AND o.park_id = me.park_id AND o.status IN ('draft', 'submitted')
WHERE pp.plan_id = :plan_id AND pp.plan_version = :version_no
ORDER BY p.code, o.name, o.id;
