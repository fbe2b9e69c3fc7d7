-- name: by_token(token_sha256)^
-- The active user holding an API token; `touch`: its use is to be recorded (not recorded
-- in the last minute), so that the other requests spend no UPDATE on it. The user is named
-- the connection's actor (as db.set_actor does) in the same round trip.
SELECT u.id, u.username, u.display_name, u.role, u.active, t.id AS token_id,
       (t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute') AS touch,
       set_config('parkatlas.actor', u.username, false) AS actor
FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.token_sha256 = :token_sha256 AND u.active AND t.revoked_at IS NULL
  AND t.expires_at > now();
