-- name: delete_roads_in_zone(park_id, zone_id)$
-- Replace in a zone: the park's roads whose inside point lies in the zone.
WITH gone AS (
  DELETE FROM roads r USING zones z
  WHERE z.id = :zone_id AND r.park_id = :park_id
    AND ST_Intersects(z.geom_gk, ST_PointOnSurface(r.geom_gk))
  RETURNING 1)
SELECT count(*) FROM gone;
