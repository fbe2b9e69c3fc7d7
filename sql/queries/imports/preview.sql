-- name: preview(lim)$
-- The staged features as a GeoJSON FeatureCollection in EPSG:4326 (n, repaired and the
-- mapped values as properties), the first :lim of them, for the preview map.
SELECT jsonb_build_object('type', 'FeatureCollection', 'features', coalesce(jsonb_agg(
  jsonb_build_object('type', 'Feature', 'id', n,
                     'geometry', ST_AsGeoJSON(ST_Transform(geom, 4326), 7)::jsonb,
                     'properties', vals || jsonb_build_object('n', n, 'repaired', repaired))
  ORDER BY n), '[]'::jsonb))
FROM (SELECT * FROM import_stage ORDER BY n LIMIT :lim) s;
