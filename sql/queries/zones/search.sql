-- name: search(park_id, minx, miny, maxx, maxy, limit, offset)^
-- A page of zones of a park, optionally in a bbox, and how many match in all.
WITH sel AS (
  SELECT z.* FROM zones z
  WHERE (:park_id::int IS NULL OR z.park_id = :park_id)
    AND (:minx::float8 IS NULL OR ST_Intersects(z.geom, ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4490)))
)
SELECT (SELECT count(*) FROM sel) AS matched,
       coalesce((SELECT json_agg(json_build_object(
                   'type', 'Feature', 'id', z.id,
                   'geometry', ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Transform(z.geom, 4326)), 9)::json,
                   'properties', jsonb_build_object(
                     'id', z.id, 'park_id', z.park_id, 'code', z.code, 'name', z.name,
                     'name_en', z.name_en, 'admitted_industries', z.admitted_industries,
                     'area_m2', ST_Area(z.geom_gk), 'version', z.version)) ORDER BY z.park_id, z.code)
                 FROM (SELECT * FROM sel ORDER BY park_id, code LIMIT :limit OFFSET :offset) AS z),
                '[]') AS features;
