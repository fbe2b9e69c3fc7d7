-- name: end_session(sid_sha256, why)$
-- End one session; returns the user's name, or nothing if it was not open.
UPDATE user_sessions s SET ended_at = now(), ended_why = :why
FROM users u
WHERE s.sid_sha256 = :sid_sha256 AND s.ended_at IS NULL AND u.id = s.user_id
RETURNING u.username;
