-- name: delete_networks_in_zone(park_id, zone_id)$
-- Replace in a zone: the park's network features whose inside point lies in the zone.
WITH gone AS (
  DELETE FROM networks n USING zones z
  WHERE z.id = :zone_id AND n.park_id = :park_id
    AND ST_Intersects(z.geom_gk, ST_PointOnSurface(n.geom_gk))
  RETURNING 1)
SELECT count(*) FROM gone;
