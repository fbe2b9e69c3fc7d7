-- 0006 accounts and audit: users, personal API tokens, and the audit log that database
-- triggers (sql/source) fill on every insert, update and delete of the editable tables.

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
