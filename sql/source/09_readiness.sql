-- Infrastructure readiness (七通一平, DESIGN §4.5), as of a date.

-- The seven utilities in the trade's order, with each one's service distance (park setting).
CREATE OR REPLACE FUNCTION service_distances(p_park integer)
RETURNS TABLE (utility text, ord integer, distance_m double precision)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT u.utility, u.ord::int, (s.d ->> u.utility)::float8
-- OFFSET 0: the settings are read once, not once per utility
FROM (SELECT park_settings(p_park) #> '{readiness,service_distance_m}' AS d OFFSET 0) s,
     unnest(ARRAY['road', 'water', 'drainage', 'power', 'telecom', 'gas', 'heat'])
     WITH ORDINALITY AS u (utility, ord);
$$;

-- The trade's name of a readiness level (三通一平 = road + water + power + levelled).
-- (STABLE like the text concatenation in it, so that it is inlined: see reason())
CREATE OR REPLACE FUNCTION readiness_level_name(avail text[], levelled boolean, lang text DEFAULT 'zh')
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT CASE
  WHEN levelled AND avail @> ARRAY['road', 'water', 'power', 'drainage', 'telecom', 'gas', 'heat']
    THEN CASE lang WHEN 'zh' THEN '七通一平' ELSE '7 utilities + levelled' END
  WHEN levelled AND avail @> ARRAY['road', 'water', 'power', 'drainage', 'telecom']
    THEN CASE lang WHEN 'zh' THEN '五通一平' ELSE '5 utilities + levelled' END
  WHEN levelled AND avail @> ARRAY['road', 'water', 'power']
    THEN CASE lang WHEN 'zh' THEN '三通一平' ELSE '3 utilities + levelled' END
  WHEN cardinality(avail) = 0 AND NOT levelled
    THEN CASE lang WHEN 'zh' THEN '生地' ELSE 'raw land' END
  -- not a trade level: a count that cannot be mistaken for one (三通一平 is road, water
  -- and power, not any three)
  ELSE CASE lang
    WHEN 'zh' THEN cardinality(avail) || '项配套' || CASE WHEN levelled THEN '·已平整' ELSE '' END
    ELSE cardinality(avail) || ' utilities' || CASE WHEN levelled THEN ' + levelled' ELSE '' END END
END;
$$;

-- One utility's readiness for a plot, as stored: state, planned date (when planned),
-- distance to the nearest in-service feature (when missing). STABLE: see reason().
CREATE OR REPLACE FUNCTION readiness_entry(live boolean, pending boolean, planned_on date,
                                           distance_m double precision)
RETURNS jsonb LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT jsonb_build_object('state', CASE WHEN live THEN 'available' WHEN pending THEN 'planned' ELSE 'missing' END,
                          'planned_date', CASE WHEN NOT live THEN planned_on END,
                          'distance_m', distance_m);
$$;

-- The utilities in a bit set (road 1, water 2, drainage 4, power 8, telecom 16, gas 32,
-- heat 64), in the trade's order.
CREATE OR REPLACE FUNCTION utility_names(bits integer) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT array_remove(ARRAY[CASE WHEN bits & 1 <> 0 THEN 'road' END, CASE WHEN bits & 2 <> 0 THEN 'water' END,
                          CASE WHEN bits & 4 <> 0 THEN 'drainage' END, CASE WHEN bits & 8 <> 0 THEN 'power' END,
                          CASE WHEN bits & 16 <> 0 THEN 'telecom' END, CASE WHEN bits & 32 <> 0 THEN 'gas' END,
                          CASE WHEN bits & 64 <> 0 THEN 'heat' END], NULL);
$$;

-- Infrastructure readiness of plots (DESIGN §4.5) as of a date: for each utility,
-- available (an in-service feature within the service distance), else planned (the
-- earliest planned completion of a planned or under-construction feature within it),
-- else missing with the distance to the nearest in-service feature. Metric, in GK.
-- One row per plot all the way: each plot gathers the features within reach in one
-- aggregate (utilities as bits), and looks up the nearest in-service feature (KNN) only
-- for the utilities it misses.
CREATE OR REPLACE FUNCTION evaluate_readiness(p_park integer, p_as_of date, p_ids integer[] DEFAULT NULL)
RETURNS TABLE (plot_id integer, park_id integer, evaluated_on date, utilities jsonb,
               levelled boolean, level integer, level_name text, level_name_en text,
               serviced boolean)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
WITH cfg AS MATERIALIZED (  -- the service distances, read once
  SELECT (d ->> 'road')::float8 AS road, (d ->> 'water')::float8 AS water,
         (d ->> 'drainage')::float8 AS drainage, (d ->> 'power')::float8 AS power,
         (d ->> 'telecom')::float8 AS telecom, (d ->> 'gas')::float8 AS gas,
         (d ->> 'heat')::float8 AS heat,
         greatest((d ->> 'water')::float8, (d ->> 'drainage')::float8, (d ->> 'power')::float8,
                  (d ->> 'telecom')::float8, (d ->> 'gas')::float8, (d ->> 'heat')::float8) AS pipes
  -- OFFSET 0 keeps the subquery whole: pulled up, park_settings() would run once per use
  FROM (SELECT park_settings(p_park) #> '{readiness,service_distance_m}' AS d OFFSET 0) s),
-- the whole park, or the listed plots (two branches: see evaluate_status). Listed plots
-- are taken in geohash order: neighbours one after the other search the same index pages
-- (15% faster than the order the id lookup returns them in).
sel AS (
  SELECT p.id, p.geom_gk, p.levelled FROM plots p WHERE p_ids IS NULL AND p.park_id = p_park
  UNION ALL
  (SELECT p.id, p.geom_gk, p.levelled FROM plots p
   WHERE p.id IN (SELECT unnest(p_ids)) AND p.park_id = p_park
   ORDER BY ST_GeoHash(ST_PointOnSurface(p.geom), 12))),
-- per plot, the utilities with an in-service (live) or a planned or under-construction
-- (pending) feature within reach, and each utility's earliest planned completion
near AS (
  SELECT p.id, p.geom_gk, p.levelled, coalesce(a.live, 0) AS live, coalesce(a.pending, 0) AS pending,
         a.road_on, a.water_on, a.drainage_on, a.power_on, a.telecom_on, a.gas_on, a.heat_on
  FROM sel p CROSS JOIN cfg CROSS JOIN LATERAL (
    SELECT bit_or(x.bit) FILTER (WHERE x.live) AS live,
           bit_or(x.bit) FILTER (WHERE NOT x.live) AS pending,
           min(x.planned_completion) FILTER (WHERE x.bit = 1 AND NOT x.live) AS road_on,
           min(x.planned_completion) FILTER (WHERE x.bit = 2 AND NOT x.live) AS water_on,
           min(x.planned_completion) FILTER (WHERE x.bit = 4 AND NOT x.live) AS drainage_on,
           min(x.planned_completion) FILTER (WHERE x.bit = 8 AND NOT x.live) AS power_on,
           min(x.planned_completion) FILTER (WHERE x.bit = 16 AND NOT x.live) AS telecom_on,
           min(x.planned_completion) FILTER (WHERE x.bit = 32 AND NOT x.live) AS gas_on,
           min(x.planned_completion) FILTER (WHERE x.bit = 64 AND NOT x.live) AS heat_on
    FROM (
      -- the index is searched with the widest pipe distance, each utility then with its own;
      -- the park is checked after the search (OFFSET 0): without statistics for the park (a
      -- park loaded in this transaction) the planner otherwise combines the search with the
      -- (park, utility) index, and reads every feature of the park for every plot
      SELECT CASE n.utility WHEN 'water' THEN 2 WHEN 'drainage' THEN 4 WHEN 'power' THEN 8
                            WHEN 'telecom' THEN 16 WHEN 'gas' THEN 32 WHEN 'heat' THEN 64 END AS bit,
             n.status = 'in_service' AS live, n.planned_completion
      FROM (SELECT f.park_id, f.utility, f.status, f.planned_completion, f.geom_gk FROM networks f
            WHERE f.geom_gk && ST_Expand(p.geom_gk, cfg.pipes) OFFSET 0) n
      WHERE n.park_id = p_park
        AND ST_DWithin(p.geom_gk, n.geom_gk, CASE n.utility WHEN 'water' THEN cfg.water
          WHEN 'drainage' THEN cfg.drainage WHEN 'power' THEN cfg.power WHEN 'telecom' THEN cfg.telecom
          WHEN 'gas' THEN cfg.gas WHEN 'heat' THEN cfg.heat END)
      UNION ALL
      SELECT 1, r.status = 'in_service', r.planned_completion FROM road_pieces r
      WHERE ST_DWithin(p.geom_gk, r.geom_gk, cfg.road) AND r.park_id = p_park) x) a),
-- the distance to the nearest in-service feature of each utility the plot misses: one
-- KNN lookup each, on that utility's own index (the KNN distance is the exact distance).
-- The park as (SELECT p_park), a value the planner does not look up in the statistics: a
-- park written in this transaction (an import, a load) is otherwise estimated at one row,
-- and the search planned as the (park, utility) btree and a sort of the park's features,
-- for every plot (issue 13: 34× slower; tests/app/test_bulk.py, bench/knn_plan.py)
dist AS (
  SELECT n.*,
    CASE WHEN (n.live | n.pending) & 1 = 0 THEN (SELECT r.geom_gk <-> n.geom_gk FROM road_pieces r
      WHERE r.park_id = (SELECT p_park) AND r.status = 'in_service' ORDER BY r.geom_gk <-> n.geom_gk LIMIT 1) END AS road_m,
    CASE WHEN (n.live | n.pending) & 2 = 0 THEN (SELECT f.geom_gk <-> n.geom_gk FROM networks f
      WHERE f.park_id = (SELECT p_park) AND f.utility = 'water' AND f.status = 'in_service'
      ORDER BY f.geom_gk <-> n.geom_gk LIMIT 1) END AS water_m,
    CASE WHEN (n.live | n.pending) & 4 = 0 THEN (SELECT f.geom_gk <-> n.geom_gk FROM networks f
      WHERE f.park_id = (SELECT p_park) AND f.utility = 'drainage' AND f.status = 'in_service'
      ORDER BY f.geom_gk <-> n.geom_gk LIMIT 1) END AS drainage_m,
    CASE WHEN (n.live | n.pending) & 8 = 0 THEN (SELECT f.geom_gk <-> n.geom_gk FROM networks f
      WHERE f.park_id = (SELECT p_park) AND f.utility = 'power' AND f.status = 'in_service'
      ORDER BY f.geom_gk <-> n.geom_gk LIMIT 1) END AS power_m,
    CASE WHEN (n.live | n.pending) & 16 = 0 THEN (SELECT f.geom_gk <-> n.geom_gk FROM networks f
      WHERE f.park_id = (SELECT p_park) AND f.utility = 'telecom' AND f.status = 'in_service'
      ORDER BY f.geom_gk <-> n.geom_gk LIMIT 1) END AS telecom_m,
    CASE WHEN (n.live | n.pending) & 32 = 0 THEN (SELECT f.geom_gk <-> n.geom_gk FROM networks f
      WHERE f.park_id = (SELECT p_park) AND f.utility = 'gas' AND f.status = 'in_service'
      ORDER BY f.geom_gk <-> n.geom_gk LIMIT 1) END AS gas_m,
    CASE WHEN (n.live | n.pending) & 64 = 0 THEN (SELECT f.geom_gk <-> n.geom_gk FROM networks f
      WHERE f.park_id = (SELECT p_park) AND f.utility = 'heat' AND f.status = 'in_service'
      ORDER BY f.geom_gk <-> n.geom_gk LIMIT 1) END AS heat_m,
    utility_names(n.live) AS avail
  -- OFFSET 0 keeps avail a column: an expression used several times in an argument
  -- keeps readiness_level_name() from being inlined
  FROM near n OFFSET 0)
SELECT x.id, p_park, p_as_of,
       jsonb_build_object(
         'road', readiness_entry(x.live & 1 <> 0, x.pending & 1 <> 0, x.road_on, x.road_m),
         'water', readiness_entry(x.live & 2 <> 0, x.pending & 2 <> 0, x.water_on, x.water_m),
         'drainage', readiness_entry(x.live & 4 <> 0, x.pending & 4 <> 0, x.drainage_on, x.drainage_m),
         'power', readiness_entry(x.live & 8 <> 0, x.pending & 8 <> 0, x.power_on, x.power_m),
         'telecom', readiness_entry(x.live & 16 <> 0, x.pending & 16 <> 0, x.telecom_on, x.telecom_m),
         'gas', readiness_entry(x.live & 32 <> 0, x.pending & 32 <> 0, x.gas_on, x.gas_m),
         'heat', readiness_entry(x.live & 64 <> 0, x.pending & 64 <> 0, x.heat_on, x.heat_m)),
       x.levelled, cardinality(x.avail) + x.levelled::int,
       readiness_level_name(x.avail, x.levelled, 'zh'),
       readiness_level_name(x.avail, x.levelled, 'en'),
       x.levelled AND x.live & 11 = 11  -- road (1) + water (2) + power (8)
FROM dist x;
$$;
