-- name: insert_session(user_id, sid_sha256, expires_at, address, user_agent)!
-- A new login session.
INSERT INTO user_sessions (user_id, sid_sha256, expires_at, address, user_agent)
VALUES (:user_id, :sid_sha256, :expires_at, :address, :user_agent);
