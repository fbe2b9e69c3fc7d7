-- name: plan_context(plan_id, version_no, margin)
-- What the map sheet draws around a plan: roads, zones and other plots within `margin`
-- metres of the plan's extent, in GK (WKB).
WITH ext AS (
  SELECT ST_SetSRID(ST_Expand(ST_Extent(p.geom_gk)::geometry, :margin), min(ST_SRID(p.geom_gk))) AS box,
         min(p.park_id) AS park_id
  FROM plan_plots pp JOIN plots p ON p.id = pp.plot_id
  WHERE pp.plan_id = :plan_id AND pp.plan_version = :version_no
)
SELECT 'zone' AS kind, coalesce(z.name, z.code) AS label, NULL AS status,
       ST_AsBinary(ST_Boundary(z.geom_gk)) AS wkb
FROM ext JOIN zones z ON z.park_id = ext.park_id AND z.geom_gk && ext.box
UNION ALL
SELECT 'road', r.name, r.status, ST_AsBinary(ST_Intersection(r.geom_gk, ext.box))
FROM ext JOIN roads r ON r.park_id = ext.park_id AND r.geom_gk && ext.box
UNION ALL
SELECT 'plot', p.code, NULL, ST_AsBinary(p.geom_gk)
FROM ext JOIN plots p ON p.park_id = ext.park_id AND p.geom_gk && ext.box
WHERE p.id NOT IN (SELECT plot_id FROM plan_plots
                   WHERE plan_id = :plan_id AND plan_version = :version_no AND plot_id IS NOT NULL);
