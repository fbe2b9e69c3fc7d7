-- name: insert_zones(park_id, features)$
-- Zones from a GeoJSON feature array; returns how many were inserted.
WITH f AS (SELECT value -> 'properties' AS p, value -> 'geometry' AS g
           FROM jsonb_array_elements(:features::jsonb)),
ins AS (
  INSERT INTO zones (park_id, code, name, name_en, admitted_industries, geom)
  SELECT :park_id, p ->> 'code', p ->> 'name', p ->> 'name_en',
         ARRAY(SELECT jsonb_array_elements_text(coalesce(p -> 'admitted_industries', '[]'))),
         ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(g), 4490))
  FROM f RETURNING 1)
SELECT count(*) FROM ins;
