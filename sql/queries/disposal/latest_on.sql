-- name: latest_on(plot_id)$
-- The date of the plot's latest decision.
SELECT max(decided_on) FROM plot_disposals WHERE plot_id = :plot_id;
