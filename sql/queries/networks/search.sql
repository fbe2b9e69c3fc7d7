-- name: search(park_id, minx, miny, maxx, maxy, utility, status, limit, offset)^
-- A page of utility network features, optionally in a bbox, of one utility or status.
WITH sel AS (
  SELECT n.* FROM networks n
  WHERE (:park_id::int IS NULL OR n.park_id = :park_id)
    AND (:minx::float8 IS NULL OR ST_Intersects(n.geom, ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4490)))
    AND (:utility::text IS NULL OR n.utility = :utility)
    AND (:status::text IS NULL OR n.status = :status)
)
SELECT (SELECT count(*) FROM sel) AS matched,
       coalesce((SELECT json_agg(json_build_object(
                   'type', 'Feature', 'id', n.id,
                   'geometry', ST_AsGeoJSON(ST_Transform(n.geom, 4326), 9)::json,
                   'properties', jsonb_build_object(
                     'id', n.id, 'park_id', n.park_id, 'utility', n.utility,
                     'subtype', n.subtype, 'name', n.name, 'status', n.status,
                     'planned_completion', n.planned_completion,
                     'length_m', ST_Length(n.geom_gk), 'version', n.version)) ORDER BY n.park_id, n.utility, n.id)
                 FROM (SELECT * FROM sel ORDER BY park_id, utility, id LIMIT :limit OFFSET :offset) AS n),
                '[]') AS features;
