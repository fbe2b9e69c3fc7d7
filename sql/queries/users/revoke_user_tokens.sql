-- name: revoke_user_tokens(user_id)$
-- Revoke every active token of a user; returns how many.
WITH revoked AS (
  UPDATE api_tokens SET revoked_at = now()
  WHERE user_id = :user_id AND revoked_at IS NULL RETURNING 1)
SELECT count(*) FROM revoked;
