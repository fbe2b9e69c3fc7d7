-- name: ids(park_id)
-- The ids of a park's plots in geohash order, so that a run of them is a compact area
-- (recompute chunks then touch little infrastructure each).
SELECT id FROM plots WHERE park_id = :park_id ORDER BY ST_GeoHash(ST_PointOnSurface(geom), 12);
