-- name: plot_features(park_id, plot_ids)$
-- These plots of a park as a GeoJSON FeatureCollection (lon/lat) with their feature
-- properties (code, name, areas in m² and 亩 from GK, stage).
SELECT jsonb_build_object('type', 'FeatureCollection', 'features', coalesce(jsonb_agg(
         jsonb_build_object('type', 'Feature', 'id', f.id,
                            'geometry', ST_AsGeoJSON(f.geom, 7)::jsonb,
                            'properties', f.properties) ORDER BY f.code), '[]')) AS collection
FROM plot_features f
WHERE f.park_id = :park_id AND f.id = ANY (:plot_ids::int[]);
