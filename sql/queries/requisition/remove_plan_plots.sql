-- name: remove_plan_plots(plan_id, version_no, ids)!
-- Remove plots from a draft version.
DELETE FROM plan_plots
WHERE plan_id = :plan_id AND plan_version = :version_no
  AND plot_id IN (SELECT unnest(:ids::int[]));
