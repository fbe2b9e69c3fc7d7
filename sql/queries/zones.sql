-- name: search_zones(park_id, minx, miny, maxx, maxy, limit, offset)
-- Zones of a park, optionally in a bbox.
SELECT z.id,
       ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Transform(z.geom, 4326)), 9)::json AS geometry,
       jsonb_build_object('id', z.id, 'park_id', z.park_id, 'code', z.code, 'name', z.name,
                          'name_en', z.name_en, 'admitted_industries', z.admitted_industries,
                          'area_m2', ST_Area(z.geom_gk), 'version', z.version) AS properties,
       count(*) OVER () AS matched
FROM zones z
WHERE (:park_id::int IS NULL OR z.park_id = :park_id)
  AND (:minx::float8 IS NULL OR z.geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4490))
ORDER BY z.park_id, z.code
LIMIT :limit OFFSET :offset;
