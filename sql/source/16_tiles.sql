-- Vector tiles (issue 14): the per-park data version (parks.data_version, migration 0029)
-- and the triggers that move it on.
--
-- A tile's URL carries its park's data version, so a tile once served is good for ever
-- (Cache-Control immutable) and an edit makes new URLs instead of needing a purge. Every
-- table whose change can change a tile or a plot's styling bumps it, with statement-level
-- triggers (one UPDATE of parks per statement, never per row), and at most once per park
-- per transaction: a bulk import, its recompute and its audit move it on by one.

-- Bump the data version of some parks, once per park per transaction. The parks already
-- bumped are kept in a transaction-local setting, which a rolled-back savepoint restores
-- together with the bump itself.
CREATE OR REPLACE FUNCTION bump_data_version(p_parks integer[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  done integer[] := coalesce(nullif(current_setting('parkatlas.data_bumped', true), ''), '{}')::integer[];
  todo integer[];
BEGIN
  SELECT array_agg(DISTINCT p ORDER BY p) INTO todo
  FROM unnest(p_parks) p WHERE p IS NOT NULL AND p <> ALL (done);
  IF todo IS NULL THEN
    RETURN;
  END IF;
  UPDATE parks SET data_version = data_version + 1 WHERE id = ANY (todo);
  PERFORM set_config('parkatlas.data_bumped', (done || todo)::text, true);
END;
$$;

-- After a statement on a table the tiles draw: bump the parks of the rows it touched.
-- TG_ARGV[0] is the SQL of a changed row r's park (r.park_id, or a lookup through its
-- project or plan); the transition tables differ by operation, so the text is built.
CREATE OR REPLACE FUNCTION data_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  changed text := CASE TG_OP WHEN 'INSERT' THEN 'SELECT * FROM new_rows'
                             WHEN 'DELETE' THEN 'SELECT * FROM old_rows'
                             ELSE 'SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows' END;
  ids integer[];
BEGIN
  EXECUTE format('SELECT array_agg(DISTINCT (%s)) FROM (%s) r', TG_ARGV[0], changed) INTO ids;
  PERFORM bump_data_version(ids);
  RETURN NULL;
END;
$$;

-- Attach the three statement triggers to a table (idempotent).
CREATE OR REPLACE FUNCTION attach_data_version(tbl regclass, park_of text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE OR REPLACE TRIGGER data_version_insert AFTER INSERT ON %s '
    'REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION data_changed(%L)',
    tbl, park_of);
  EXECUTE format('CREATE OR REPLACE TRIGGER data_version_update AFTER UPDATE ON %s '
    'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
    'FOR EACH STATEMENT EXECUTE FUNCTION data_changed(%L)', tbl, park_of);
  EXECUTE format('CREATE OR REPLACE TRIGGER data_version_delete AFTER DELETE ON %s '
    'REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION data_changed(%L)',
    tbl, park_of);
END;
$$;

-- Features and the stored results that style them; projects with what decides their flag
-- (milestones, progress reports) and their plots; requisition plans (outlines and status).
SELECT attach_data_version(t, 'r.park_id') FROM unnest(ARRAY[
  'plots', 'plot_status', 'plot_readiness', 'zones', 'roads', 'networks', 'projects',
  'requisition_plans']::regclass[]) AS t;
SELECT attach_data_version(t, '(SELECT pr.park_id FROM projects pr WHERE pr.id = r.project_id)')
FROM unnest(ARRAY['project_plots', 'milestones', 'progress_reports']::regclass[]) AS t;
SELECT attach_data_version(t, '(SELECT rp.park_id FROM requisition_plans rp WHERE rp.id = r.plan_id)')
FROM unnest(ARRAY['plan_plots', 'plan_versions']::regclass[]) AS t;

-- A park's settings decide the rules' results, so changing them moves the version too
-- (in the same row, before parks_version: see the WHEN of that trigger, 02_features.sql).
CREATE OR REPLACE FUNCTION park_settings_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.data_version := OLD.data_version + 1;
  PERFORM set_config('parkatlas.data_bumped',
    (coalesce(nullif(current_setting('parkatlas.data_bumped', true), ''), '{}')::integer[]
     || NEW.id)::text, true);
  RETURN NEW;
END;
$$;
CREATE OR REPLACE TRIGGER parks_data_version BEFORE UPDATE OF settings ON parks
  FOR EACH ROW WHEN (OLD.settings IS DISTINCT FROM NEW.settings)
  EXECUTE FUNCTION park_settings_changed();
