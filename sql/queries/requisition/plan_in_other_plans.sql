-- name: plan_in_other_plans(plan_id, version_no)
-- Plots of a plan version that are also in the current version of another plan of the
-- same park (open — draft or submitted — or approved) while the plot's requisition (征收
-- date) is not recorded yet: the same land would be requisitioned twice. A requisitioned
-- plot is left out of every plan's numbers, so it no longer counts. One row per plot and
-- other plan (plan_plots_plot_idx finds the other plans' rows).
SELECT p.code, o.id AS other_id, o.name AS other_name, o.status AS other_status,
       o.current_version AS other_version
FROM plan_plots pp
JOIN requisition_plans me ON me.id = pp.plan_id
JOIN plots p ON p.id = pp.plot_id
JOIN plan_plots op ON op.plot_id = pp.plot_id AND op.plan_id <> pp.plan_id
JOIN requisition_plans o ON o.id = op.plan_id AND o.current_version = op.plan_version
                        AND o.park_id = me.park_id
WHERE pp.plan_id = :plan_id AND pp.plan_version = :version_no
  AND NOT coalesce(p.requisitioned_on <= park_today(me.park_id), false)
ORDER BY p.code, o.name, o.id;
