-- name: update_zones(park_id)
-- The park's zones of the staged codes get the mapped names and the new geometry.
UPDATE zones z SET name = coalesce(s.vals ->> 'name', z.name),
                   name_en = coalesce(s.vals ->> 'name_en', z.name_en), geom = ST_Multi(s.geom)
FROM import_stage s
WHERE s.action = 'update' AND z.park_id = :park_id AND z.code = s.code
RETURNING z.id;
