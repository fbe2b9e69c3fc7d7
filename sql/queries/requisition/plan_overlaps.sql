-- name: plan_overlaps(plan_id, version_no)
-- Pairs of plots of a plan version that overlap by more than 0.01 m² in GK.
SELECT a.code AS code, b.code AS other, ST_Area(ST_Intersection(a.geom_gk, b.geom_gk)) AS area_m2
FROM plan_plots pa JOIN plots a ON a.id = pa.plot_id
JOIN plan_plots pb ON pb.plan_id = pa.plan_id AND pb.plan_version = pa.plan_version
JOIN plots b ON b.id = pb.plot_id AND a.id < b.id AND ST_Intersects(a.geom_gk, b.geom_gk)
WHERE pa.plan_id = :plan_id AND pa.plan_version = :version_no
  AND ST_Area(ST_Intersection(a.geom_gk, b.geom_gk)) > 0.01
ORDER BY a.code, b.code;
