-- name: by_token(token_sha256)^
-- The active user holding an API token.
SELECT u.id, u.username, u.display_name, u.role, u.active
FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.token_sha256 = :token_sha256 AND u.active;
