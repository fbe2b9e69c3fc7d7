-- name: delete_plots_in_zone(park_id, zone_id, reason)$
-- Replace in a zone: retire (app.plot_shapes' delete, kept in the lineage) the park's plots
-- whose inside point lies in the zone and whose code the file does not hold.
WITH gone AS (
  SELECT array_agg(p.id ORDER BY p.id) AS ids FROM plots p JOIN zones z ON z.id = :zone_id
  WHERE p.park_id = :park_id AND ST_Intersects(z.geom_gk, ST_PointOnSurface(p.geom_gk))
    AND NOT EXISTS (SELECT 1 FROM import_stage s WHERE s.code = p.code))
SELECT CASE WHEN ids IS NULL THEN 0
            ELSE cardinality(ids) + 0 * cardinality(replace_plots('delete', ids, '{}', '{}', :reason))
       END AS deleted
FROM gone;
