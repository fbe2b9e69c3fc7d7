-- name: insert_token(user_id, token_sha256, label, expires_at)!
-- Store the digest of a new personal API token.
INSERT INTO api_tokens (user_id, token_sha256, label, expires_at)
VALUES (:user_id, :token_sha256, :label, :expires_at);
