-- name: geometry_problem(geometry)$
-- Why a GeoJSON polygon is not valid (PostGIS ST_IsValidReason, with the place), else NULL.
SELECT CASE WHEN ST_IsValid(g) THEN NULL ELSE ST_IsValidReason(g) END
FROM (SELECT ST_GeomFromGeoJSON(:geometry::text) AS g) AS s;
