-- Infrastructure priority (DESIGN §4.5): which planned works unlock most land.

-- Planned infrastructure ranked by the land it would unlock (DESIGN §4.5): for each planned
-- or under-construction road or network feature, the plots within its service distance that
-- lack that utility today, their area (亩), and how many would thereby become serviced land.
-- Set-based from the works outwards (issue 14): the plots within reach of a planned work are
-- found first (GiST, ST_DWithin), and only their readiness is read or evaluated (the set form
-- of plot_readiness_as_of), not the whole park's: on a park of 100 000 plots the whole
-- park's readiness for another date was evaluated and each plot's seven utilities unnested.
CREATE OR REPLACE FUNCTION infrastructure_priority(p_park integer, p_as_of date)
RETURNS TABLE (kind text, feature_id integer, utility text, name text, status text,
               planned_completion date, plots_gained integer, area_mu_gained double precision,
               newly_serviced integer, newly_serviced_mu double precision, plot_ids integer[])
LANGUAGE sql STABLE AS $$
WITH pending AS MATERIALIZED (
  SELECT 'network' AS kind, n.id, n.utility, n.name, n.status, n.planned_completion, n.geom_gk
  FROM networks n WHERE n.park_id = p_park AND n.status <> 'in_service'
  UNION ALL
  SELECT 'road', r.id, 'road', r.name, r.status, r.planned_completion, r.geom_gk
  FROM roads r WHERE r.park_id = p_park AND r.status <> 'in_service'),
reach AS MATERIALIZED (
  SELECT s.kind, s.id, s.utility, p.id AS plot_id, m2_to_mu(p.area_m2) AS mu
  FROM pending s
  JOIN service_distances(p_park) d ON d.utility = s.utility
  JOIN plots p ON p.park_id = p_park AND ST_DWithin(p.geom_gk, s.geom_gk, d.distance_m)),
-- an empty set is '{}' (no plot), never NULL (the whole park)
ready AS MATERIALIZED (
  SELECT r.* FROM plot_readiness_as_of(p_park, p_as_of,
    (SELECT coalesce(array_agg(DISTINCT x.plot_id), '{}') FROM reach x)) r),
lacking AS (
  SELECT r.plot_id, u.key AS utility, r.levelled,
         -- what else this plot lacks to become serviced (road, water, power, levelled)
         ARRAY(SELECT k FROM unnest(ARRAY['road', 'water', 'power']) k
               WHERE r.utilities #>> ARRAY[k, 'state'] <> 'available') AS missing_core,
         r.serviced
  FROM ready r, jsonb_each(r.utilities) u
  WHERE u.value ->> 'state' <> 'available'),
gains AS (
  SELECT x.kind, x.id, x.plot_id, x.mu,
         (NOT l.serviced AND l.levelled AND l.missing_core = ARRAY[x.utility]) AS becomes_serviced
  FROM reach x
  JOIN lacking l ON l.plot_id = x.plot_id AND l.utility = x.utility)
SELECT s.kind, s.id, s.utility, s.name, s.status, s.planned_completion,
       -- summed in plot order: the same plots give the same 亩 to the last bit whatever the
       -- plan, so works that serve the same plots tie and rank by date, kind and id
       count(g.plot_id)::int, coalesce(sum(g.mu ORDER BY g.plot_id), 0),
       count(g.plot_id) FILTER (WHERE g.becomes_serviced)::int,
       coalesce(sum(g.mu ORDER BY g.plot_id) FILTER (WHERE g.becomes_serviced), 0),
       coalesce(array_agg(g.plot_id ORDER BY g.plot_id) FILTER (WHERE g.plot_id IS NOT NULL), '{}')
FROM pending s LEFT JOIN gains g ON g.kind = s.kind AND g.id = s.id
GROUP BY s.kind, s.id, s.utility, s.name, s.status, s.planned_completion
ORDER BY 8 DESC, 10 DESC, s.planned_completion NULLS LAST, s.kind, s.id;
$$;
