-- name: by_session(sid_sha256, idle_seconds)^
-- The active user of an open session that has neither expired nor been idle too long. The
-- user found is made the connection's actor (db.set_actor; `actor`), which spares a request
-- a round trip.
SELECT u.id, u.username, u.display_name, u.role, u.active, s.id AS session_id,
       s.last_seen_at, set_config('parkatlas.actor', u.username, false) AS actor
FROM user_sessions s JOIN users u ON u.id = s.user_id
WHERE s.sid_sha256 = :sid_sha256 AND s.ended_at IS NULL AND u.active
  AND s.expires_at > now()
  AND s.last_seen_at > now() - make_interval(secs => :idle_seconds);
