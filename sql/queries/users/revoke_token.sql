-- name: revoke_token(user_id, id)$
-- Revoke one token of a user; returns its id, or nothing if it is not theirs or not active.
UPDATE api_tokens SET revoked_at = now()
WHERE id = :id AND user_id = :user_id AND revoked_at IS NULL RETURNING id;
