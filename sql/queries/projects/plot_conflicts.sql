-- name: plot_conflicts(id, plot_ids)
-- The conflicts (DESIGN §4.4) the project would have on these plots, one row per plot and
-- kind (project_plot_conflicts(), sql/source/14_project_plots.sql).
SELECT plot_id, plot_code, kind, others, details
FROM project_plot_conflicts(:id, :plot_ids::int[]);
