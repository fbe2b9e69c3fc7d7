-- name: features(id)
-- Every park as a Feature whose geometry is the extent of its zones and plots.
SELECT p.id,
       ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Transform(e.extent, 4326)), 9)::json AS geometry,
       jsonb_build_object('id', p.id, 'code', p.code, 'name', p.name, 'name_en', p.name_en,
                          'gk_zone', p.gk_zone, 'gk_epsg', p.gk_epsg,
                          'gk_epsg_prefixed', p.gk_epsg_prefixed,
                          'bbox', CASE WHEN e.extent IS NOT NULL THEN jsonb_build_array(
                            ST_XMin(e.extent), ST_YMin(e.extent),
                            ST_XMax(e.extent), ST_YMax(e.extent)) END) AS properties
FROM parks p
LEFT JOIN LATERAL (
  SELECT ST_SetSRID(ST_Extent(g)::geometry, 4490) AS extent FROM (
    SELECT geom AS g FROM zones WHERE park_id = p.id
    UNION ALL SELECT geom FROM plots WHERE park_id = p.id) AS parts
) AS e ON true
WHERE :id::int IS NULL OR p.id = :id
ORDER BY p.id;
