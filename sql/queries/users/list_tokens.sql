-- name: list_tokens(user_id)
-- A user's API tokens, newest first, with their state.
SELECT id, label, created_at, expires_at, revoked_at, last_used_at,
       CASE WHEN revoked_at IS NOT NULL THEN 'revoked'
            WHEN expires_at <= now() THEN 'expired' ELSE 'active' END AS state
FROM api_tokens WHERE user_id = :user_id ORDER BY created_at DESC, id DESC;
