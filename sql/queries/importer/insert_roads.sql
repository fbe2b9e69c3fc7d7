-- name: insert_roads(park_id, features)$
-- Road centrelines from a GeoJSON feature array.
WITH f AS (SELECT value -> 'properties' AS p, value -> 'geometry' AS g
           FROM jsonb_array_elements(:features::jsonb)),
ins AS (
  INSERT INTO roads (park_id, name, class, width_m, status, planned_completion, geom)
  SELECT :park_id, p ->> 'name', coalesce(p ->> 'class', 'branch'), (p ->> 'width_m')::float8,
         p ->> 'status', (p ->> 'planned_completion')::date,
         ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(g), 4490))
  FROM f RETURNING 1)
SELECT count(*) FROM ins;
