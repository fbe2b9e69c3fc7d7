-- name: copy_version_plots(plan_id, from_version, to_version)!
-- Start a version with the plots of an earlier one (those still existing).
INSERT INTO plan_plots (plan_id, plan_version, plot_id)
SELECT plan_id, :to_version, plot_id FROM plan_plots
WHERE plan_id = :plan_id AND plan_version = :from_version AND plot_id IS NOT NULL;
