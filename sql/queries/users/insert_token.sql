-- name: insert_token(user_id, token_sha256, label)!
-- Store the digest of a new personal API token.
INSERT INTO api_tokens (user_id, token_sha256, label) VALUES (:user_id, :token_sha256, :label);
