-- 0010 status upkeep: reading results as of a date, and keeping stored results current.
--
-- plot_status and plot_readiness hold results as of their evaluated_on date. Readers ask
-- for a date: the rows stored for that date are used, every other plot is evaluated on
-- the spot. Triggers recompute the affected plots, as of today, in the same transaction
-- as the edit; `parkatlas recompute` (run nightly) evaluates everything for a new day.

-- Status as of a date: stored rows of that date, the rest evaluated now.
CREATE OR REPLACE FUNCTION plot_status_as_of(p_park integer, p_as_of date)
RETURNS TABLE (plot_id integer, park_id integer, evaluated_on date, stage text, flags text[],
               reasons jsonb, details jsonb)
LANGUAGE sql STABLE AS $$
SELECT s.plot_id, s.park_id, s.evaluated_on, s.stage, s.flags, s.reasons, s.details
FROM plot_status s WHERE s.park_id = p_park AND s.evaluated_on = p_as_of
UNION ALL
SELECT e.* FROM evaluate_status(p_park, p_as_of, ARRAY(
  SELECT p.id FROM plots p
  WHERE p.park_id = p_park AND NOT EXISTS (
    SELECT 1 FROM plot_status s WHERE s.plot_id = p.id AND s.evaluated_on = p_as_of))) e;
$$;

-- Readiness as of a date: stored rows of that date, the rest evaluated now.
CREATE OR REPLACE FUNCTION plot_readiness_as_of(p_park integer, p_as_of date)
RETURNS TABLE (plot_id integer, park_id integer, evaluated_on date, utilities jsonb,
               levelled boolean, level integer, level_name text, level_name_en text,
               serviced boolean)
LANGUAGE sql STABLE AS $$
SELECT r.plot_id, r.park_id, r.evaluated_on, r.utilities, r.levelled, r.level, r.level_name,
       r.level_name_en, r.serviced
FROM plot_readiness r WHERE r.park_id = p_park AND r.evaluated_on = p_as_of
UNION ALL
SELECT e.* FROM evaluate_readiness(p_park, p_as_of, ARRAY(
  SELECT p.id FROM plots p
  WHERE p.park_id = p_park AND NOT EXISTS (
    SELECT 1 FROM plot_readiness r WHERE r.plot_id = p.id AND r.evaluated_on = p_as_of))) e;
$$;

-- Bulk loads set parkatlas.defer_recompute = on and recompute once at the end.
CREATE OR REPLACE FUNCTION recompute_deferred() RETURNS boolean
LANGUAGE sql STABLE AS $$
SELECT coalesce(current_setting('parkatlas.defer_recompute', true), '') = 'on';
$$;

-- Recompute a set of (park, plot) pairs as of today, one call per park.
CREATE OR REPLACE FUNCTION recompute_affected(pairs jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  FOR r IN SELECT (e ->> 'park_id')::int AS park_id, array_agg(DISTINCT (e ->> 'plot_id')::int) AS ids
           FROM jsonb_array_elements(pairs) e GROUP BY 1 LOOP
    PERFORM recompute_plots(r.park_id, current_date, r.ids);
  END LOOP;
END;
$$;

-- A plot changed: recompute it (its stage, flags and readiness depend on its own row).
CREATE OR REPLACE FUNCTION recompute_after_plots() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT recompute_deferred() THEN
    PERFORM recompute_affected(coalesce(jsonb_agg(jsonb_build_object('park_id', park_id, 'plot_id', id)), '[]'))
    FROM new_rows;
  END IF;
  RETURN NULL;
END;
$$;

-- A road or network feature changed: recompute the plots within its service distance of
-- its old and of its new geometry. The transition tables differ by operation (and roads
-- have no utility column), so the query text is built; no temporary table, whose creation
-- in every transaction cost more than the recompute of a few plots.
CREATE OR REPLACE FUNCTION recompute_after_infrastructure() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  IF recompute_deferred() THEN
    RETURN NULL;
  END IF;
  FOR r IN EXECUTE format($q$
    WITH changed AS MATERIALIZED (SELECT park_id, %s AS utility, geom_gk FROM (%s) AS x),
    -- each park's service distance of each changed utility, its settings read once
    reach AS MATERIALIZED (
      SELECT k.park_id, k.utility, d.distance_m
      FROM (SELECT DISTINCT park_id, utility FROM changed) k
      CROSS JOIN LATERAL service_distances(k.park_id) d
      WHERE d.utility = k.utility)
    SELECT c.park_id, array_agg(DISTINCT p.id) AS ids
    FROM changed c JOIN reach d ON d.park_id = c.park_id AND d.utility = c.utility
    JOIN plots p ON p.park_id = c.park_id AND ST_DWithin(p.geom_gk, c.geom_gk, d.distance_m)
    GROUP BY c.park_id$q$,
    CASE TG_TABLE_NAME WHEN 'roads' THEN quote_literal('road') ELSE 'utility' END,
    CASE TG_OP WHEN 'INSERT' THEN 'SELECT * FROM new_rows'
               WHEN 'DELETE' THEN 'SELECT * FROM old_rows'
               ELSE 'SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows' END) LOOP
    PERFORM recompute_plots(r.park_id, current_date, r.ids);
  END LOOP;
  RETURN NULL;
END;
$$;

-- A project or its plots changed: recompute the plots it occupies (conflicts, plot ratio).
CREATE OR REPLACE FUNCTION recompute_after_projects() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE pairs jsonb;
BEGIN
  IF recompute_deferred() THEN
    RETURN NULL;
  END IF;
  IF TG_TABLE_NAME = 'project_plots' THEN
    EXECUTE format('SELECT coalesce(jsonb_agg(jsonb_build_object(''park_id'', p.park_id, ''plot_id'', p.id)), ''[]'')
                    FROM plots p WHERE p.id IN (SELECT plot_id FROM %s)',
                   CASE TG_OP WHEN 'DELETE' THEN 'old_rows' WHEN 'INSERT' THEN 'new_rows'
                   ELSE 'new_rows UNION SELECT plot_id FROM old_rows' END) INTO pairs;
  ELSE
    EXECUTE format('SELECT coalesce(jsonb_agg(jsonb_build_object(''park_id'', p.park_id, ''plot_id'', p.id)), ''[]'')
                    FROM project_plots pp JOIN plots p ON p.id = pp.plot_id
                    WHERE pp.project_id IN (SELECT id FROM %s)',
                   CASE TG_OP WHEN 'DELETE' THEN 'old_rows' ELSE 'new_rows' END) INTO pairs;
  END IF;
  PERFORM recompute_affected(pairs);
  RETURN NULL;
END;
$$;

-- A zone's admitted industries, or a park's settings, changed: recompute their plots.
CREATE OR REPLACE FUNCTION recompute_after_areas() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE pairs jsonb;
BEGIN
  IF recompute_deferred() THEN
    RETURN NULL;
  END IF;
  EXECUTE format('SELECT coalesce(jsonb_agg(jsonb_build_object(''park_id'', p.park_id, ''plot_id'', p.id)), ''[]'')
                  FROM plots p WHERE p.%s IN (SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                                              WHERE n.%s IS DISTINCT FROM o.%s)',
                 CASE TG_TABLE_NAME WHEN 'zones' THEN 'zone_id' ELSE 'park_id' END,
                 CASE TG_TABLE_NAME WHEN 'zones' THEN 'admitted_industries' ELSE 'settings' END,
                 CASE TG_TABLE_NAME WHEN 'zones' THEN 'admitted_industries' ELSE 'settings' END)
    INTO pairs;
  PERFORM recompute_affected(pairs);
  RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER recompute_insert AFTER INSERT ON plots
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION recompute_after_plots();
CREATE OR REPLACE TRIGGER recompute_update AFTER UPDATE ON plots
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION recompute_after_plots();

CREATE OR REPLACE FUNCTION attach_recompute(tbl regclass, fn text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE OR REPLACE TRIGGER recompute_insert AFTER INSERT ON %s '
    'REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION %s()', tbl, fn);
  EXECUTE format('CREATE OR REPLACE TRIGGER recompute_update AFTER UPDATE ON %s '
    'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
    'FOR EACH STATEMENT EXECUTE FUNCTION %s()', tbl, fn);
  EXECUTE format('CREATE OR REPLACE TRIGGER recompute_delete AFTER DELETE ON %s '
    'REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION %s()', tbl, fn);
END;
$$;

SELECT attach_recompute('roads', 'recompute_after_infrastructure');
SELECT attach_recompute('networks', 'recompute_after_infrastructure');
SELECT attach_recompute('projects', 'recompute_after_projects');
SELECT attach_recompute('project_plots', 'recompute_after_projects');

CREATE OR REPLACE TRIGGER recompute_update AFTER UPDATE ON zones
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION recompute_after_areas();
CREATE OR REPLACE TRIGGER recompute_update AFTER UPDATE ON parks
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION recompute_after_areas();

-- Planned infrastructure ranked by the land it would unlock (DESIGN §4.5): for each planned
-- or under-construction road or network feature, the plots within its service distance that
-- lack that utility today, their area (亩), and how many would thereby become serviced land.
CREATE OR REPLACE FUNCTION infrastructure_priority(p_park integer, p_as_of date)
RETURNS TABLE (kind text, feature_id integer, utility text, name text, status text,
               planned_completion date, plots_gained integer, area_mu_gained double precision,
               newly_serviced integer, newly_serviced_mu double precision, plot_ids integer[])
LANGUAGE sql STABLE AS $$
WITH ready AS (SELECT * FROM plot_readiness_as_of(p_park, p_as_of)),
lacking AS (
  SELECT r.plot_id, u.key AS utility, r.levelled,
         -- what else this plot lacks to become serviced (road, water, power, levelled)
         ARRAY(SELECT k FROM unnest(ARRAY['road', 'water', 'power']) k
               WHERE r.utilities #>> ARRAY[k, 'state'] <> 'available') AS missing_core,
         r.serviced
  FROM ready r, jsonb_each(r.utilities) u
  WHERE u.value ->> 'state' <> 'available'),
pending AS (
  SELECT 'network' AS kind, n.id, n.utility, n.name, n.status, n.planned_completion, n.geom_gk
  FROM networks n WHERE n.park_id = p_park AND n.status <> 'in_service'
  UNION ALL
  SELECT 'road', r.id, 'road', r.name, r.status, r.planned_completion, r.geom_gk
  FROM roads r WHERE r.park_id = p_park AND r.status <> 'in_service'),
gains AS (
  SELECT s.kind, s.id, l.plot_id, p.area_m2 * 15 / 10000 AS mu,
         (NOT l.serviced AND l.levelled AND l.missing_core = ARRAY[s.utility]) AS becomes_serviced
  FROM pending s
  JOIN service_distances(p_park) d ON d.utility = s.utility
  JOIN plots p ON p.park_id = p_park AND ST_DWithin(p.geom_gk, s.geom_gk, d.distance_m)
  JOIN lacking l ON l.plot_id = p.id AND l.utility = s.utility)
SELECT s.kind, s.id, s.utility, s.name, s.status, s.planned_completion,
       count(g.plot_id)::int, coalesce(sum(g.mu), 0),
       count(g.plot_id) FILTER (WHERE g.becomes_serviced)::int,
       coalesce(sum(g.mu) FILTER (WHERE g.becomes_serviced), 0),
       coalesce(array_agg(g.plot_id ORDER BY g.plot_id) FILTER (WHERE g.plot_id IS NOT NULL), '{}')
FROM pending s LEFT JOIN gains g ON g.kind = s.kind AND g.id = s.id
GROUP BY s.kind, s.id, s.utility, s.name, s.status, s.planned_completion
ORDER BY 8 DESC, 10 DESC, s.planned_completion NULLS LAST, s.kind, s.id;
$$;

-- The rules' helpers only read: let PostgreSQL run queries using them in parallel workers.
ALTER FUNCTION park_default_settings() PARALLEL SAFE;
ALTER FUNCTION jsonb_deep_merge(jsonb, jsonb) PARALLEL SAFE;
ALTER FUNCTION park_settings(integer) PARALLEL SAFE;
ALTER FUNCTION service_distances(integer) PARALLEL SAFE;
ALTER FUNCTION readiness_level_name(text[], boolean, text) PARALLEL SAFE;
ALTER FUNCTION plot_events(plots) PARALLEL SAFE;
ALTER FUNCTION plot_stage(plots, date) PARALLEL SAFE;
ALTER FUNCTION reason(text, jsonb, text, text) PARALLEL SAFE;
ALTER FUNCTION fmt(double precision, integer) PARALLEL SAFE;
ALTER FUNCTION rule_flag(text) PARALLEL SAFE;
ALTER FUNCTION evaluate_status(integer, date, integer[]) PARALLEL SAFE;
ALTER FUNCTION evaluate_readiness(integer, date, integer[]) PARALLEL SAFE;

-- Flags are filtered with = ANY after reading a park's rows: a GIN index only slowed writes.
DROP INDEX IF EXISTS plot_status_flags_idx;
