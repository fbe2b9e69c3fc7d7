-- name: plot_map(id, as_of)$
-- The plots a project occupies as a GeoJSON FeatureCollection (lon/lat) for its map: each
-- plot's feature properties with its stage and flags evaluated as of the date (the park's
-- today when NULL), its claimed area and the reason given for accepting its conflicts.
WITH pr AS (SELECT id, park_id, coalesce(:as_of::date, park_today(park_id)) AS d
            FROM projects WHERE id = :id),
st AS (SELECT e.plot_id, e.stage, e.flags
       FROM pr CROSS JOIN LATERAL evaluate_status(pr.park_id, pr.d, ARRAY(
         SELECT plot_id FROM project_plots WHERE project_id = pr.id)) e)
SELECT jsonb_build_object('type', 'FeatureCollection', 'features', coalesce(jsonb_agg(
         jsonb_build_object('type', 'Feature', 'id', f.id,
           'geometry', ST_AsGeoJSON(f.geom, 7)::jsonb,
           'properties', f.properties || jsonb_build_object(
             'stage', coalesce(st.stage, f.stage), 'flags', to_jsonb(st.flags),
             'claimed_area_m2', pp.claimed_area_m2, 'conflict_reason', pp.conflict_reason))
         ORDER BY f.code), '[]')) AS collection
FROM pr
JOIN project_plots pp ON pp.project_id = pr.id
JOIN plot_features f ON f.id = pp.plot_id
LEFT JOIN st ON st.plot_id = f.id;
