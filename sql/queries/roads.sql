-- name: search_roads(park_id, minx, miny, maxx, maxy, status, limit, offset)
-- Roads of a park, optionally in a bbox or of one status.
SELECT r.id, ST_AsGeoJSON(ST_Transform(r.geom, 4326), 9)::json AS geometry,
       jsonb_build_object('id', r.id, 'park_id', r.park_id, 'name', r.name, 'class', r.class,
                          'width_m', r.width_m, 'status', r.status,
                          'planned_completion', r.planned_completion,
                          'length_m', ST_Length(r.geom_gk), 'version', r.version) AS properties,
       count(*) OVER () AS matched
FROM roads r
WHERE (:park_id::int IS NULL OR r.park_id = :park_id)
  AND (:minx::float8 IS NULL OR r.geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4490))
  AND (:status::text IS NULL OR r.status = :status)
ORDER BY r.park_id, r.name, r.id
LIMIT :limit OFFSET :offset;
