-- name: add_plan_plots(plan_id, version_no, ids)!
-- Add plots to a draft version (plots already in it stay once).
INSERT INTO plan_plots (plan_id, plan_version, plot_id)
SELECT :plan_id, :version_no, id FROM unnest(:ids::int[]) AS id
ON CONFLICT (plan_id, plan_version, plot_id) DO NOTHING;
