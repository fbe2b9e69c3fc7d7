-- name: get(id)^
-- One project with its milestones and latest progress.
SELECT f.id, ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Transform(f.geom, 4326)), 9)::json AS geometry,
       f.properties || jsonb_build_object(
         'milestones', (SELECT coalesce(jsonb_agg(to_jsonb(m) - 'project_id' ORDER BY m.planned_on), '[]')
                        FROM milestones m WHERE m.project_id = f.id),
         'progress', (SELECT coalesce(jsonb_agg(to_jsonb(r) - 'project_id' ORDER BY r.reported_on), '[]')
                      FROM progress_reports r WHERE r.project_id = f.id)) AS properties
FROM project_features f WHERE f.id = :id;
