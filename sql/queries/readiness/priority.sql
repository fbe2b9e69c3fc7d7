-- name: priority(park_id, as_of)^
-- Planned roads and networks ranked by the land they would serve, as a FeatureCollection.
WITH ranked AS (
  SELECT row_number() OVER (ORDER BY x.area_mu_gained DESC, x.newly_serviced_mu DESC,
                            x.planned_completion NULLS LAST, x.kind, x.feature_id) AS rank, x.*
  FROM infrastructure_priority(:park_id, coalesce(:as_of::date, park_today(:park_id))) x)
SELECT json_build_object('type', 'FeatureCollection',
  'evaluated_on', coalesce(:as_of::date, park_today(:park_id)),
  'features', coalesce(json_agg(json_build_object(
    'type', 'Feature', 'id', r.kind || ':' || r.feature_id,
    'geometry', ST_AsGeoJSON(ST_Transform(coalesce(n.geom, rd.geom), 4326), 9)::json,
    'properties', json_build_object('rank', r.rank, 'kind', r.kind, 'feature_id', r.feature_id,
      'utility', r.utility, 'name', r.name, 'status', r.status,
      'planned_completion', r.planned_completion, 'plots_gained', r.plots_gained,
      'area_mu_gained', r.area_mu_gained, 'newly_serviced', r.newly_serviced,
      'newly_serviced_mu', r.newly_serviced_mu, 'plot_ids', r.plot_ids)) ORDER BY r.rank), '[]'))
  AS collection
FROM ranked r
LEFT JOIN networks n ON r.kind = 'network' AND n.id = r.feature_id
LEFT JOIN roads rd ON r.kind = 'road' AND rd.id = r.feature_id;
