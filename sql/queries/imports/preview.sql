-- name: preview(lim)$
-- The staged features as a GeoJSON FeatureCollection in EPSG:4326 (n, repaired, the area
-- in the park's GK CRS for polygons, the source layer when the read took several, and the
-- mapped values as properties), the first :lim of them, for the preview map and its table.
SELECT jsonb_build_object('type', 'FeatureCollection', 'features', coalesce(jsonb_agg(
  jsonb_build_object('type', 'Feature', 'id', n,
                     'geometry', ST_AsGeoJSON(ST_Transform(geom, 4326), 7)::jsonb,
                     'properties', vals || jsonb_build_object(
                       'n', n, 'repaired', repaired, 'source_layer', layer, 'area_m2',
                       CASE WHEN ST_Dimension(geom_gk) = 2 THEN round(ST_Area(geom_gk)::numeric, 2)
                       END))
  ORDER BY n), '[]'::jsonb))
FROM (SELECT * FROM import_stage ORDER BY n LIMIT :lim) s;
