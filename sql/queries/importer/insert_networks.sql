-- name: insert_networks(park_id, features)$
-- Utility lines (as MultiLineString) and facilities (Point) from a GeoJSON feature array.
WITH f AS (SELECT value -> 'properties' AS p, ST_SetSRID(ST_GeomFromGeoJSON(value -> 'geometry'), 4490) AS g
           FROM jsonb_array_elements(:features::jsonb)),
ins AS (
  INSERT INTO networks (park_id, utility, subtype, name, status, planned_completion, geom)
  SELECT :park_id, p ->> 'utility', p ->> 'subtype', p ->> 'name', p ->> 'status',
         (p ->> 'planned_completion')::date,
         CASE WHEN GeometryType(g) = 'POINT' THEN g ELSE ST_Multi(g) END
  FROM f RETURNING 1)
SELECT count(*) FROM ins;
