-- name: user_by_name(username)^
-- A user by login name.
SELECT id, username, display_name, role, password_hash, active FROM users WHERE username = :username;

-- name: user_by_id(id)^
-- An active user by id (session loading).
SELECT id, username, display_name, role, active FROM users WHERE id = :id AND active;

-- name: insert_user(username, role, display_name, password_hash)^
-- Create a user.
INSERT INTO users (username, role, display_name, password_hash)
VALUES (:username, :role, :display_name, :password_hash)
RETURNING id, username, display_name, role, active;

-- name: set_password(username, password_hash)$
-- Replace a user's password hash; returns the id, or nothing for an unknown user.
UPDATE users SET password_hash = :password_hash WHERE username = :username RETURNING id;

-- name: list_users()
-- Every user with the number of API tokens.
SELECT u.id, u.username, u.display_name, u.role, u.active, u.created_at,
       count(t.id) AS tokens
FROM users u LEFT JOIN api_tokens t ON t.user_id = u.id AND t.revoked_at IS NULL
  AND t.expires_at > now()
GROUP BY u.id ORDER BY u.username;

-- name: insert_token(user_id, token_sha256, label, expires_at)!
-- Store the digest of a new personal API token.
INSERT INTO api_tokens (user_id, token_sha256, label, expires_at)
VALUES (:user_id, :token_sha256, :label, :expires_at);

-- name: user_by_token(token_sha256)^
-- The active user holding an API token.
SELECT u.id, u.username, u.display_name, u.role, u.active, t.id AS token_id
FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.token_sha256 = :token_sha256 AND u.active AND t.revoked_at IS NULL
  AND t.expires_at > now();

-- name: set_active(username, active)$
-- Enable or disable a user; returns the id, or nothing for an unknown user.
UPDATE users SET active = :active WHERE username = :username RETURNING id;

-- name: insert_session(user_id, sid_sha256, expires_at, address, user_agent)!
-- A new login session.
INSERT INTO user_sessions (user_id, sid_sha256, expires_at, address, user_agent)
VALUES (:user_id, :sid_sha256, :expires_at, :address, :user_agent);

-- name: user_by_session(sid_sha256, idle_seconds)^
-- The active user of an open session that has neither expired nor been idle too long.
SELECT u.id, u.username, u.display_name, u.role, u.active, s.id AS session_id,
       s.last_seen_at
FROM user_sessions s JOIN users u ON u.id = s.user_id
WHERE s.sid_sha256 = :sid_sha256 AND s.ended_at IS NULL AND u.active
  AND s.expires_at > now()
  AND s.last_seen_at > now() - make_interval(secs => :idle_seconds);

-- name: touch_session(id)!
-- Record that a session was used (called at most once a minute per session).
UPDATE user_sessions SET last_seen_at = now() WHERE id = :id;

-- name: end_session(sid_sha256, why)$
-- End one session; returns the user's name, or nothing if it was not open.
UPDATE user_sessions s SET ended_at = now(), ended_why = :why
FROM users u
WHERE s.sid_sha256 = :sid_sha256 AND s.ended_at IS NULL AND u.id = s.user_id
RETURNING u.username;

-- name: end_user_sessions(user_id, why)$
-- End every open session of a user; returns how many were open.
WITH ended AS (
  UPDATE user_sessions SET ended_at = now(), ended_why = :why
  WHERE user_id = :user_id AND ended_at IS NULL RETURNING 1)
SELECT count(*) FROM ended;

-- name: insert_auth_event(event, username, address, detail)!
-- Record a login, logout, failure or refusal (audited by trigger).
INSERT INTO auth_events (event, username, address, detail)
VALUES (:event, :username, :address, :detail);

-- name: login_failures(username, address, window_seconds)^
-- Failed logins within the window since the account's last successful login, per account
-- and per address, with the time until the oldest of each falls out of the window.
WITH since AS (
  SELECT now() - make_interval(secs => :window_seconds) AS t
), account AS (
  SELECT count(*) AS n, min(at) AS oldest FROM auth_events, since
  WHERE username = :username AND event = 'login_failed' AND at > since.t
    AND at > coalesce((SELECT max(at) FROM auth_events
                       WHERE username = :username AND event = 'login'), '-infinity')
), address AS (
  SELECT count(*) AS n, min(at) AS oldest FROM auth_events, since
  WHERE address = :address AND event = 'login_failed' AND at > since.t
)
SELECT account.n AS account_failures, address.n AS address_failures,
       ceil(extract(epoch FROM account.oldest + make_interval(secs => :window_seconds) - now()))
         AS account_retry_seconds,
       ceil(extract(epoch FROM address.oldest + make_interval(secs => :window_seconds) - now()))
         AS address_retry_seconds
FROM account, address;

-- name: list_tokens(user_id)
-- A user's API tokens, newest first, with their state.
SELECT id, label, created_at, expires_at, revoked_at, last_used_at,
       CASE WHEN revoked_at IS NOT NULL THEN 'revoked'
            WHEN expires_at <= now() THEN 'expired' ELSE 'active' END AS state
FROM api_tokens WHERE user_id = :user_id ORDER BY created_at DESC, id DESC;

-- name: revoke_token(user_id, id)$
-- Revoke one token of a user; returns its id, or nothing if it is not theirs or not active.
UPDATE api_tokens SET revoked_at = now()
WHERE id = :id AND user_id = :user_id AND revoked_at IS NULL RETURNING id;

-- name: revoke_user_tokens(user_id)$
-- Revoke every active token of a user; returns how many.
WITH revoked AS (
  UPDATE api_tokens SET revoked_at = now()
  WHERE user_id = :user_id AND revoked_at IS NULL RETURNING 1)
SELECT count(*) FROM revoked;

-- name: touch_token(id)!
-- Record a token's use (at most once a minute).
UPDATE api_tokens SET last_used_at = now()
WHERE id = :id AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute');
