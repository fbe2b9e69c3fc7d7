-- 0013 sessions that really end, expiring and revocable API tokens, and the login record
-- that throttling counts (issue 9). Tables only; functions stay in their own files.

-- One row per login: the session cookie carries a random id whose SHA-256 is stored here,
-- so logging out, changing a password or disabling a user ends it on the server, and a
-- copy of the cookie is worth nothing afterwards.
CREATE TABLE IF NOT EXISTS user_sessions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  sid_sha256 text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  ended_at timestamptz,
  ended_why text CHECK (ended_why IN ('logout', 'password', 'disabled', 'revoked')),
  address text,
  user_agent text,
  CONSTRAINT user_sessions_ended_why CHECK ((ended_at IS NULL) = (ended_why IS NULL))
);
CREATE INDEX IF NOT EXISTS user_sessions_open_idx ON user_sessions (user_id)
  WHERE ended_at IS NULL;

ALTER TABLE api_tokens
  ADD COLUMN IF NOT EXISTS expires_at timestamptz,
  ADD COLUMN IF NOT EXISTS revoked_at timestamptz,
  ADD COLUMN IF NOT EXISTS last_used_at timestamptz;
-- Tokens issued before expiry existed get 90 days from now; no token lives for ever.
UPDATE api_tokens SET expires_at = now() + interval '90 days' WHERE expires_at IS NULL;
ALTER TABLE api_tokens ALTER COLUMN expires_at SET NOT NULL;

-- Logins, logouts, failures and refusals: the throttle counts failures here, and the audit
-- trigger copies every row into audit_log.
CREATE TABLE IF NOT EXISTS auth_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  event text NOT NULL CHECK (event IN ('login', 'logout', 'login_failed', 'login_throttled',
                                       'sessions_ended', 'token_revoked')),
  username text NOT NULL,
  address text NOT NULL DEFAULT '',
  detail text
);
CREATE INDEX IF NOT EXISTS auth_events_username_idx ON auth_events (username, at);
CREATE INDEX IF NOT EXISTS auth_events_address_idx ON auth_events (address, at);
