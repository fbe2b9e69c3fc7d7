-- name: summary(park_id, as_of, stages)^
-- Count and area (亩) per stage (in the order of :stages, labels.STAGES), per flag and per
-- readiness level as of a date.
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
                                  ORDER BY array_position(:stages::text[], stage)), '[]')
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
