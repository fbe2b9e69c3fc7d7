-- name: touch_session(id)!
-- Record that a session was used (called at most once a minute per session).
UPDATE user_sessions SET last_seen_at = now() WHERE id = :id;
