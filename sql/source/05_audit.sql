-- The audit log's triggers: who changed what, before and after, one INSERT per statement.

-- The acting user: the app sets parkatlas.actor for each connection it hands out.
CREATE OR REPLACE FUNCTION audit_actor() RETURNS text
LANGUAGE sql STABLE AS $$
SELECT coalesce(nullif(current_setting('parkatlas.actor', true), ''), 'db:' || session_user);
$$;

-- A row as the audit log keeps it: without derived geometry, frozen plan results (large,
-- derived from rows the log already has) and secrets.
CREATE OR REPLACE FUNCTION audit_image(r jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
SELECT r - 'geom_gk' - 'password_hash' - 'token_sha256' - 'result';
$$;

-- Statement-level audit with transition tables: one set-based INSERT per statement. The
-- features a bulk write inserts get ONE entry per statement (who, when, the source, the
-- count, the ids: migration 0027) instead of a copy of each row, whose content is the
-- file's; updates and deletes, and every interactive edit, keep their row images.
CREATE OR REPLACE FUNCTION audit_statement() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' AND bulk_source() IS NOT NULL
     AND TG_TABLE_NAME IN ('plots', 'zones', 'roads', 'networks', 'price_zones') THEN
    INSERT INTO audit_log (actor, table_name, action, source, row_ids, after)
    SELECT audit_actor(), TG_TABLE_NAME, 'insert', bulk_source(), array_agg(n.id ORDER BY n.id),
           jsonb_build_object('count', count(*))
    FROM new_rows n HAVING count(*) > 0;
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO audit_log (actor, table_name, row_id, action, after)
    SELECT audit_actor(), TG_TABLE_NAME, n.id::text, 'insert', audit_image(to_jsonb(n))
    FROM new_rows n;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO audit_log (actor, table_name, row_id, action, before, after)
    SELECT audit_actor(), TG_TABLE_NAME, n.id::text, 'update',
           audit_image(to_jsonb(o)), audit_image(to_jsonb(n))
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    -- not a park whose data version alone moved on (16_tiles.sql): that is no edit of it
    WHERE TG_TABLE_NAME <> 'parks' OR (to_jsonb(o) - 'data_version') IS DISTINCT FROM
                                      (to_jsonb(n) - 'data_version');
  ELSE
    INSERT INTO audit_log (actor, table_name, row_id, action, before)
    SELECT audit_actor(), TG_TABLE_NAME, o.id::text, 'delete', audit_image(to_jsonb(o))
    FROM old_rows o;
  END IF;
  RETURN NULL;
END;
$$;

-- Attach the three audit triggers to a table (idempotent).
CREATE OR REPLACE FUNCTION audit_table(tbl regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE OR REPLACE TRIGGER audit_insert AFTER INSERT ON %s '
    'REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_statement()', tbl);
  EXECUTE format('CREATE OR REPLACE TRIGGER audit_update AFTER UPDATE ON %s '
    'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
    'FOR EACH STATEMENT EXECUTE FUNCTION audit_statement()', tbl);
  EXECUTE format('CREATE OR REPLACE TRIGGER audit_delete AFTER DELETE ON %s '
    'REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_statement()', tbl);
END;
$$;

SELECT audit_table(t) FROM unnest(ARRAY[
  'parks', 'zones', 'plots', 'roads', 'networks', 'price_zones',
  'projects', 'project_plots', 'milestones', 'progress_reports',
  'compensation_rates', 'requisition_plans', 'plan_plots',
  'plan_versions', 'users', 'api_tokens', 'auth_events']::regclass[]) AS t;
-- Sessions are not audited row by row (last_seen_at moves); auth_events says what happened.

-- The audit log is append-only for everyone: the app's role has no UPDATE or DELETE grant
-- (sql/grants.sql), and this trigger refuses them even to the owner (who must drop it on
-- purpose to purge).
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE OR REPLACE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE OR REPLACE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
