-- 0006 accounts and audit: users, personal API tokens, and the audit log that database
-- triggers fill on every insert, update and delete of the editable tables.

CREATE TABLE IF NOT EXISTS users (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username text NOT NULL UNIQUE CONSTRAINT users_username_format CHECK (username ~ '^[A-Za-z0-9_.-]{2,64}$'),
  display_name text,
  role text NOT NULL CHECK (role IN ('viewer', 'planner', 'admin')),
  password_hash text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1
);

-- Personal API tokens; only a SHA-256 of the token is stored.
CREATE TABLE IF NOT EXISTS api_tokens (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_sha256 text NOT NULL UNIQUE,
  label text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- the application user (set per transaction by the app), else the database role
  actor text NOT NULL,
  table_name text NOT NULL,
  row_id text,
  action text NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
  before jsonb,
  after jsonb
);
CREATE INDEX IF NOT EXISTS audit_log_row_idx ON audit_log (table_name, row_id);
CREATE INDEX IF NOT EXISTS audit_log_at_idx ON audit_log (at);

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

-- Statement-level audit with transition tables: one set-based INSERT per statement, so a
-- bulk import of 100 000 plots is audited without a per-row trigger call.
CREATE OR REPLACE FUNCTION audit_statement() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO audit_log (actor, table_name, row_id, action, after)
    SELECT audit_actor(), TG_TABLE_NAME, n.id::text, 'insert', audit_image(to_jsonb(n))
    FROM new_rows n;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO audit_log (actor, table_name, row_id, action, before, after)
    SELECT audit_actor(), TG_TABLE_NAME, n.id::text, 'update',
           audit_image(to_jsonb(o)), audit_image(to_jsonb(n))
    FROM old_rows o JOIN new_rows n ON n.id = o.id;
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
  'users', 'api_tokens']::regclass[]) AS t;

CREATE OR REPLACE TRIGGER users_version BEFORE UPDATE ON users
  FOR EACH ROW EXECUTE FUNCTION bump_version();
