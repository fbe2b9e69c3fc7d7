-- name: plots(id)
-- The plots a project occupies, with their areas (m², 亩) and the claimed area if partial.
SELECT pl.id, pl.code, pl.name, pl.area_m2, m2_to_mu(pl.area_m2) AS area_mu,
       pp.claimed_area_m2
FROM project_plots pp JOIN plots pl ON pl.id = pp.plot_id
WHERE pp.project_id = :id ORDER BY pl.code;
