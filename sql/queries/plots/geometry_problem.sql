-- name: geometry_problem(geometry)$
-- What is wrong with a GeoJSON polygon (geometry_problem(): missing, empty, outside China,
-- or PostGIS's ST_IsValidReason with the place), else NULL.
SELECT geometry_problem(ST_SetSRID(ST_GeomFromGeoJSON(:geometry::text), 4490));
