-- name: plan_overlaps(plan_id, version_no)
-- Pairs of plots of a plan version that overlap by more than 0.01 m² in GK.
-- Each plot's neighbours come from the GiST index of all plots (the OFFSET 0 keeps that
-- lookup a subquery of its own) and are then kept if they are in the version: right after
-- plots are added, plan_plots' statistics still say "one row", and a join of the version
-- with itself then compared every pair (2 000 plots: 4 million ST_Intersects, minutes).
SELECT a.code AS code, b.code AS other, ST_Area(ST_Intersection(a.geom_gk, b.geom_gk)) AS area_m2
FROM plan_plots pa JOIN plots a ON a.id = pa.plot_id
CROSS JOIN LATERAL (SELECT n.id, n.code, n.geom_gk FROM plots n
                    WHERE n.geom_gk && a.geom_gk AND n.id > a.id OFFSET 0) b
WHERE pa.plan_id = :plan_id AND pa.plan_version = :version_no
  AND EXISTS (SELECT 1 FROM plan_plots pb WHERE pb.plan_id = pa.plan_id
              AND pb.plan_version = pa.plan_version AND pb.plot_id = b.id)
  AND ST_Intersects(a.geom_gk, b.geom_gk)
  AND ST_Area(ST_Intersection(a.geom_gk, b.geom_gk)) > 0.01
ORDER BY a.code, b.code;
