-- Status upkeep: reading results as of a date, and keeping stored results current.
--
-- plot_status and plot_readiness hold results as of their evaluated_on date. Readers ask
-- for a date: the rows stored for that date are used, every other plot is evaluated on
-- the spot. Triggers recompute the affected plots, as of today, in the same transaction
-- as the edit; `parkatlas recompute` (run nightly) evaluates everything for a new day.

-- Store the status and readiness of plots (all of a park, or some) as of a date.
CREATE OR REPLACE FUNCTION recompute_plots(p_park integer, p_as_of date, p_ids integer[] DEFAULT NULL)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE n integer;
BEGIN
  IF p_ids IS NOT NULL THEN
    -- plots that left the park or were deleted
    DELETE FROM plot_status s WHERE s.plot_id IN (SELECT unnest(p_ids))
      AND NOT EXISTS (SELECT 1 FROM plots p WHERE p.id = s.plot_id AND p.park_id = p_park);
  END IF;
  INSERT INTO plot_status AS t (plot_id, park_id, evaluated_on, stage, flags, reasons, details, computed_at)
  SELECT e.*, now() FROM evaluate_status(p_park, p_as_of, p_ids) e
  ON CONFLICT (plot_id) DO UPDATE SET park_id = excluded.park_id, evaluated_on = excluded.evaluated_on,
    stage = excluded.stage, flags = excluded.flags, reasons = excluded.reasons,
    details = excluded.details, computed_at = excluded.computed_at;
  GET DIAGNOSTICS n = ROW_COUNT;
  INSERT INTO plot_readiness AS t (plot_id, park_id, evaluated_on, utilities, levelled, level,
                                   level_name, level_name_en, serviced, computed_at)
  SELECT e.*, now() FROM evaluate_readiness(p_park, p_as_of, p_ids) e
  ON CONFLICT (plot_id) DO UPDATE SET park_id = excluded.park_id, evaluated_on = excluded.evaluated_on,
    utilities = excluded.utilities, levelled = excluded.levelled, level = excluded.level,
    level_name = excluded.level_name, level_name_en = excluded.level_name_en,
    serviced = excluded.serviced, computed_at = excluded.computed_at;
  RETURN n;
END;
$$;

-- Status as of a date: stored rows of that date, the rest evaluated now; of the whole park
-- (p_ids NULL) or of the listed plots only (a page, a bbox: their stored rows read by key,
-- only the others evaluated, issue 14). Branches rather than `p_ids IS NULL OR ...` (see
-- evaluate_status): the branch not taken is skipped before it reads anything.
-- (the two-argument form of earlier versions is this one with p_ids NULL: dropped so
-- that a call of two arguments finds one function)
DROP FUNCTION IF EXISTS plot_status_as_of(integer, date);
CREATE OR REPLACE FUNCTION plot_status_as_of(p_park integer, p_as_of date,
                                             p_ids integer[] DEFAULT NULL)
RETURNS TABLE (plot_id integer, park_id integer, evaluated_on date, stage text, flags text[],
               reasons jsonb, details jsonb)
LANGUAGE sql STABLE AS $$
WITH todo AS MATERIALIZED (SELECT ARRAY(
  SELECT p.id FROM plots p
  WHERE p_ids IS NULL AND p.park_id = p_park AND NOT EXISTS (
    SELECT 1 FROM plot_status s WHERE s.plot_id = p.id AND s.evaluated_on = p_as_of)
  UNION ALL
  SELECT i.id FROM unnest(p_ids) AS i (id)
  WHERE NOT EXISTS (
    SELECT 1 FROM plot_status s WHERE s.plot_id = i.id AND s.evaluated_on = p_as_of)) AS ids)
SELECT s.plot_id, s.park_id, s.evaluated_on, s.stage, s.flags, s.reasons, s.details
FROM plot_status s WHERE p_ids IS NULL AND s.park_id = p_park AND s.evaluated_on = p_as_of
UNION ALL
SELECT s.plot_id, s.park_id, s.evaluated_on, s.stage, s.flags, s.reasons, s.details
FROM plot_status s
WHERE s.plot_id IN (SELECT unnest(p_ids)) AND s.park_id = p_park AND s.evaluated_on = p_as_of
UNION ALL
-- the plots without a stored row (evaluate_status checks that the listed ones are the
-- park's, `todo`, found once per query); not called at all when there are none (it costs
-- its planning, ~20–90 ms). The ids as a subquery keep it from being inlined: inlined, it
-- is planned with every query that reads this function (180 ms for a bbox of 8 plots) even
-- when it never runs; uncorrelated, a caller that reads this function again (the inner
-- side of a join) gets the rows already evaluated, not a new evaluation of the park.
SELECT e.* FROM evaluate_status(p_park, p_as_of, (SELECT t.ids FROM todo t)) e
WHERE (SELECT cardinality(t.ids) FROM todo t) > 0;
$$;

-- Readiness as of a date: as plot_status_as_of, of the whole park or of the listed plots.
-- (the two-argument form of earlier versions is this one with p_ids NULL: dropped so
-- that a call of two arguments finds one function)
DROP FUNCTION IF EXISTS plot_readiness_as_of(integer, date);
CREATE OR REPLACE FUNCTION plot_readiness_as_of(p_park integer, p_as_of date,
                                                p_ids integer[] DEFAULT NULL)
RETURNS TABLE (plot_id integer, park_id integer, evaluated_on date, utilities jsonb,
               levelled boolean, level integer, level_name text, level_name_en text,
               serviced boolean)
LANGUAGE sql STABLE AS $$
WITH todo AS MATERIALIZED (SELECT ARRAY(
  SELECT p.id FROM plots p
  WHERE p_ids IS NULL AND p.park_id = p_park AND NOT EXISTS (
    SELECT 1 FROM plot_readiness r WHERE r.plot_id = p.id AND r.evaluated_on = p_as_of)
  UNION ALL
  SELECT i.id FROM unnest(p_ids) AS i (id)
  WHERE NOT EXISTS (
    SELECT 1 FROM plot_readiness r WHERE r.plot_id = i.id AND r.evaluated_on = p_as_of)) AS ids)
SELECT r.plot_id, r.park_id, r.evaluated_on, r.utilities, r.levelled, r.level, r.level_name,
       r.level_name_en, r.serviced
FROM plot_readiness r WHERE p_ids IS NULL AND r.park_id = p_park AND r.evaluated_on = p_as_of
UNION ALL
SELECT r.plot_id, r.park_id, r.evaluated_on, r.utilities, r.levelled, r.level, r.level_name,
       r.level_name_en, r.serviced
FROM plot_readiness r
WHERE r.plot_id IN (SELECT unnest(p_ids)) AND r.park_id = p_park AND r.evaluated_on = p_as_of
UNION ALL
-- the plots without a stored row (evaluate_readiness checks that the listed ones are the
-- park's, `todo`, found once per query); not called at all when there are none (it costs
-- its planning, ~20–90 ms). The ids as a subquery keep it from being inlined: inlined, it
-- is planned with every query that reads this function (180 ms for a bbox of 8 plots) even
-- when it never runs; uncorrelated, a caller that reads this function again (the inner
-- side of a join) gets the rows already evaluated, not a new evaluation of the park.
SELECT e.* FROM evaluate_readiness(p_park, p_as_of, (SELECT t.ids FROM todo t)) e
WHERE (SELECT cardinality(t.ids) FROM todo t) > 0;
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
    PERFORM recompute_plots(r.park_id, park_today(r.park_id), r.ids);
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
    PERFORM recompute_plots(r.park_id, park_today(r.park_id), r.ids);
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

-- Statistics of the tables the recompute reads, taken inside a bulk write's transaction
-- (ANALYZE counts the transaction's own new rows) before its first recompute: without
-- them the planner estimates one row for a park just loaded and picks plans that are
-- right for one row (issue 13 benchmark: 59× ogr2ogr). SECURITY DEFINER: ANALYZE needs the
-- tables' owner, the app connects as parkatlas_app.
CREATE OR REPLACE FUNCTION analyze_for_recompute() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  ANALYZE plots, zones, roads, road_pieces, networks, projects, project_plots;
END;
$$;

-- Whole-park answers (park_answers, migration 0034; app/answers.py) and made vector tiles
-- (tile_cache, migration 0035; app/tiles/cache.py) are kept per park data version. The
-- reference tables the rules read (industries, planned_uses) are no park's data and have no
-- version: a change to them forgets every kept answer and tile; so does every upgrade (this
-- file is re-applied by each: the rules, and so the plots' colours, may have changed).
CREATE OR REPLACE FUNCTION forget_kept() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM park_answers;
  DELETE FROM tile_cache;
  RETURN NULL;
END;
$$;
DROP TRIGGER IF EXISTS forget_park_answers ON industries;
DROP TRIGGER IF EXISTS forget_park_answers ON planned_uses;
DROP TRIGGER IF EXISTS forget_tiles ON industries;
DROP TRIGGER IF EXISTS forget_tiles ON planned_uses;
DROP FUNCTION IF EXISTS forget_park_answers();
DROP FUNCTION IF EXISTS forget_tiles();
CREATE OR REPLACE TRIGGER forget_kept AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON industries FOR EACH STATEMENT EXECUTE FUNCTION forget_kept();
CREATE OR REPLACE TRIGGER forget_kept AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON planned_uses FOR EACH STATEMENT EXECUTE FUNCTION forget_kept();
DELETE FROM park_answers;
DELETE FROM tile_cache;
