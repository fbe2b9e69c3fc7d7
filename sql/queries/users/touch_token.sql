-- name: touch_token(id)!
-- Record a token's use (at most once a minute).
UPDATE api_tokens SET last_used_at = now()
WHERE id = :id AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute');
