-- name: projects(id)
-- The projects occupying a plot.
SELECT pr.id, pr.code, pr.name, pr.company, pr.stage
FROM project_plots pp JOIN projects pr ON pr.id = pp.project_id
WHERE pp.plot_id = :id ORDER BY pr.code;
