-- name: search(park_id, minx, miny, maxx, maxy, status, limit, offset)^
-- A page of roads of a park, optionally in a bbox or of one status.
WITH sel AS (
  SELECT r.* FROM roads r
  WHERE (:park_id::int IS NULL OR r.park_id = :park_id)
    AND (:minx::float8 IS NULL OR ST_Intersects(r.geom, ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4490)))
    AND (:status::text IS NULL OR r.status = :status)
)
SELECT (SELECT count(*) FROM sel) AS matched,
       coalesce((SELECT json_agg(json_build_object(
                   'type', 'Feature', 'id', r.id,
                   'geometry', ST_AsGeoJSON(ST_Transform(r.geom, 4326), 9)::json,
                   'properties', jsonb_build_object(
                     'id', r.id, 'park_id', r.park_id, 'name', r.name, 'class', r.class,
                     'width_m', r.width_m, 'status', r.status,
                     'planned_completion', r.planned_completion,
                     'length_m', ST_Length(r.geom_gk), 'version', r.version)) ORDER BY r.park_id, r.name, r.id)
                 FROM (SELECT * FROM sel ORDER BY park_id, name, id LIMIT :limit OFFSET :offset) AS r),
                '[]') AS features;
