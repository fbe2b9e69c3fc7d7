-- name: insert_price_zones(park_id, features)$
-- Compensation price zones from a GeoJSON feature array.
WITH f AS (SELECT value -> 'properties' AS p, value -> 'geometry' AS g
           FROM jsonb_array_elements(:features::jsonb)),
ins AS (
  INSERT INTO price_zones (park_id, code, name, geom)
  SELECT :park_id, p ->> 'code', p ->> 'name', ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(g), 4490))
  FROM f RETURNING 1)
SELECT count(*) FROM ins;
