-- name: search(park_id, stage, limit, offset)^
-- A page of projects of a park with the outline of their plots.
WITH sel AS (
  SELECT f.*, f.properties ->> 'code' AS code FROM project_features f
  WHERE (:park_id::int IS NULL OR f.park_id = :park_id)
    AND (:stage::text IS NULL OR f.properties ->> 'stage' = :stage)
)
SELECT (SELECT count(*) FROM sel) AS matched,
       coalesce((SELECT json_agg(json_build_object(
                   'type', 'Feature', 'id', f.id,
                   'geometry', ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Transform(f.geom, 4326)), 9)::json,
                   'properties', f.properties) ORDER BY f.park_id, f.code)
                 FROM (SELECT * FROM sel ORDER BY park_id, code LIMIT :limit OFFSET :offset) AS f),
                '[]') AS features;
