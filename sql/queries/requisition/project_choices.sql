-- name: project_choices(park_id)
-- The projects (with plots) a plan can be made from.
SELECT pr.id, pr.code, pr.name, count(pp.plot_id) AS plots
FROM projects pr JOIN project_plots pp ON pp.project_id = pr.id
WHERE pr.park_id = :park_id GROUP BY pr.id ORDER BY pr.code;
