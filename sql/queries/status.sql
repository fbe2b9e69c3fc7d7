-- name: recompute_park(park_id, as_of, ids)$
-- Recompute and store the status and readiness of a park's plots (or of some) as of a date.
SELECT recompute_plots(:park_id, coalesce(:as_of::date, park_today(:park_id)), :ids::int[]);

-- name: rebuild_knn_indexes()$
-- Rebuild the nearest-feature indexes of the readiness rule at their fillfactor.
SELECT rebuild_knn_indexes();

-- name: park_ids()
-- Every park id.
SELECT id FROM parks ORDER BY id;

-- name: plot_ids(park_id)
-- The ids of a park's plots in geohash order, so that a run of them is a compact area
-- (recompute chunks then touch little infrastructure each).
SELECT id FROM plots WHERE park_id = :park_id ORDER BY ST_GeoHash(ST_PointOnSurface(geom), 12);

-- name: plot_status(park_id, plot_id, as_of)^
-- One plot's status as of a date (stored if evaluated that day, else evaluated now).
SELECT s.plot_id, s.evaluated_on, s.stage, s.flags, s.reasons, s.details
FROM plot_status s
WHERE s.plot_id = :plot_id AND s.evaluated_on = coalesce(:as_of::date, park_today(:park_id))
UNION ALL
SELECT e.plot_id, e.evaluated_on, e.stage, e.flags, e.reasons, e.details
FROM evaluate_status(:park_id, coalesce(:as_of::date, park_today(:park_id)), ARRAY[:plot_id::int]) e
WHERE NOT EXISTS (SELECT 1 FROM plot_status s WHERE s.plot_id = :plot_id
                  AND s.evaluated_on = coalesce(:as_of::date, park_today(:park_id)))
LIMIT 1;

-- name: plot_readiness(park_id, plot_id, as_of)^
-- One plot's readiness as of a date (stored if evaluated that day, else evaluated now).
SELECT r.plot_id, r.evaluated_on, r.utilities, r.levelled, r.level, r.level_name,
       r.level_name_en, r.serviced
FROM plot_readiness r
WHERE r.plot_id = :plot_id AND r.evaluated_on = coalesce(:as_of::date, park_today(:park_id))
UNION ALL
SELECT e.plot_id, e.evaluated_on, e.utilities, e.levelled, e.level, e.level_name,
       e.level_name_en, e.serviced
FROM evaluate_readiness(:park_id, coalesce(:as_of::date, park_today(:park_id)), ARRAY[:plot_id::int]) e
WHERE NOT EXISTS (SELECT 1 FROM plot_readiness r WHERE r.plot_id = :plot_id
                  AND r.evaluated_on = coalesce(:as_of::date, park_today(:park_id)))
LIMIT 1;

-- name: summary(park_id, as_of)^
-- Count and area (亩) per stage, per flag and per readiness level as of a date.
WITH day AS (SELECT coalesce(:as_of::date, park_today(:park_id)) AS d),
st AS (SELECT s.*, m2_to_mu(p.area_m2) AS mu
       FROM day CROSS JOIN LATERAL plot_status_as_of(:park_id, day.d) s
       JOIN plots p ON p.id = s.plot_id),
rd AS (SELECT r.*, m2_to_mu(p.area_m2) AS mu
       FROM day CROSS JOIN LATERAL plot_readiness_as_of(:park_id, day.d) r
       JOIN plots p ON p.id = r.plot_id)
SELECT (SELECT d FROM day) AS evaluated_on,
       (SELECT count(*) FROM st) AS plots,
       (SELECT coalesce(sum(mu), 0) FROM st) AS area_mu,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('stage', stage, 'count', n, 'area_mu', mu)
                                  ORDER BY array_position(ARRAY['planned', 'approved', 'requisitioned',
                                    'banked', 'supplied', 'delivered', 'under_construction',
                                    'completed', 'operating'], stage)), '[]')
        FROM (SELECT stage, count(*) AS n, sum(mu) AS mu FROM st GROUP BY stage) x) AS stages,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('flag', flag, 'count', n, 'area_mu', mu)
                                  ORDER BY flag), '[]')
        FROM (SELECT f AS flag, count(*) AS n, sum(mu) AS mu FROM st, unnest(st.flags) f
              GROUP BY f) x) AS flags,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('level_name', level_name,
                                  'level_name_en', level_name_en, 'serviced', serviced,
                                  'count', n, 'area_mu', mu) ORDER BY serviced DESC, lvl DESC), '[]')
        FROM (SELECT level_name, level_name_en, serviced, max(level) AS lvl, count(*) AS n,
                     sum(mu) AS mu
              FROM rd GROUP BY level_name, level_name_en, serviced) x) AS levels;

-- name: idle_plots(park_id, as_of)
-- Idle and soon-idle plots with their legal clock, soonest deadline first.
SELECT p.id, p.code, p.name, z.code AS zone, p.owner, m2_to_mu(p.area_m2) AS area_mu,
       p.land_price, p.agreed_start_on,
       (s.details #>> '{idle,mark_1y}')::date AS mark_1y,
       (s.details #>> '{idle,mark_2y}')::date AS mark_2y,
       (s.details #>> '{idle,days_to_1y}')::int AS days_to_1y,
       (s.details #>> '{idle,days_to_2y}')::int AS days_to_2y,
       s.flags, s.reasons, s.evaluated_on, p.government_cause, p.disposal, p.disposal_on,
       s.details -> 'projects' AS projects
FROM plot_status_as_of(:park_id, coalesce(:as_of::date, park_today(:park_id))) s
JOIN plots p ON p.id = s.plot_id
LEFT JOIN zones z ON z.id = p.zone_id
WHERE s.flags && ARRAY['idle', 'idle_warning']
-- the next legal deadline: the 1-year mark while ahead, then the 2-year (reclaim) mark
ORDER BY CASE WHEN (s.details #>> '{idle,days_to_1y}')::int > 0
              THEN (s.details #>> '{idle,days_to_1y}')::int
              ELSE (s.details #>> '{idle,days_to_2y}')::int END NULLS LAST, p.code;

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
