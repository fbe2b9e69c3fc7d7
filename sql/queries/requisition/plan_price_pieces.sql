-- name: plan_price_pieces(plan_id, version_no)
-- Each plot of a plan version split by the price zones (区片) it lies in, by GK area,
-- with the rates of its land group. The pieces of a plot are scaled to sum to its area
-- exactly; slivers under 0.01 m² (digitising noise on shared edges) are ignored; a plot
-- outside every price-zone polygon falls back to the price zone recorded on it.
-- Per plot (a lateral lookup in the GiST index, a null row when no zone is hit), not
-- CTEs joined with each other: right after plots are added, plan_plots' statistics say
-- "one row", and CTE self-joins then became nested loops over every pair (minutes).
SELECT m.id AS plot_id, pc.code AS price_zone,
       m.area_m2 * pc.a / nullif(sum(pc.a) OVER (PARTITION BY m.id), 0) AS area_m2,
       r.land_price_yuan_mu, r.crop_yuan_mu, r.special_crop_yuan_mu, r.house_yuan_m2,
       r.social_security_yuan_mu
FROM (SELECT p.id, p.park_id, p.geom_gk, ST_Area(plan_geometry(p.geom_gk)) AS area_m2,
             p.price_zone, lc.land_group
      FROM plan_plots pp
      JOIN plots p ON p.id = pp.plot_id
      LEFT JOIN land_classes lc ON lc.code = left(p.land_class, 4)
      WHERE pp.plan_id = :plan_id AND pp.plan_version = :version_no) m
LEFT JOIN LATERAL (
  SELECT hit.code, hit.a
  FROM (SELECT z.code, ST_Area(ST_Intersection(m.geom_gk, z.geom_gk)) AS a
        FROM price_zones z
        WHERE z.park_id = m.park_id AND ST_Intersects(m.geom_gk, z.geom_gk)) hit
  WHERE hit.a >= 0.01) h ON true
CROSS JOIN LATERAL (SELECT coalesce(h.code, m.price_zone) AS code,
                           coalesce(h.a, m.area_m2) AS a) pc
LEFT JOIN compensation_rates r
  ON r.park_id = m.park_id AND r.price_zone = pc.code AND r.land_group = m.land_group
WHERE h.code IS NOT NULL OR m.price_zone IS NOT NULL
ORDER BY m.id, pc.code;
