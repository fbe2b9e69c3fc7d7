-- name: insert_zones(park_id)
-- The staged zones to insert.
INSERT INTO zones (park_id, code, name, name_en, geom)
SELECT :park_id, s.vals ->> 'code', s.vals ->> 'name', s.vals ->> 'name_en', ST_Multi(s.geom)
FROM import_stage s WHERE s.action = 'insert' ORDER BY s.n
RETURNING id;
