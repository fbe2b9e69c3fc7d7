-- name: search_networks(park_id, minx, miny, maxx, maxy, utility, status, limit, offset)
-- Utility network features of a park, optionally in a bbox, of one utility or status.
SELECT n.id, ST_AsGeoJSON(ST_Transform(n.geom, 4326), 9)::json AS geometry,
       jsonb_build_object('id', n.id, 'park_id', n.park_id, 'utility', n.utility,
                          'subtype', n.subtype, 'name', n.name, 'status', n.status,
                          'planned_completion', n.planned_completion,
                          'length_m', ST_Length(n.geom_gk), 'version', n.version) AS properties,
       count(*) OVER () AS matched
FROM networks n
WHERE (:park_id::int IS NULL OR n.park_id = :park_id)
  AND (:minx::float8 IS NULL OR n.geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4490))
  AND (:utility::text IS NULL OR n.utility = :utility)
  AND (:status::text IS NULL OR n.status = :status)
ORDER BY n.park_id, n.utility, n.id
LIMIT :limit OFFSET :offset;
