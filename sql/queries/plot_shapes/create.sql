-- name: create(park_id, code, name, zone_id, land_class, planned_use, geometry)$
-- Insert a drawn plot; the triggers measure it in GK, check its place and the overlap
-- rule, and compute its status and readiness.
INSERT INTO plots (park_id, code, name, zone_id, land_class, planned_use, geom)
VALUES (:park_id, :code, :name, :zone_id, :land_class, :planned_use,
        ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(:geometry::text), 4490)))
RETURNING id;
