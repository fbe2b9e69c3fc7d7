-- name: end_user_sessions(user_id, why)$
-- End every open session of a user; returns how many were open.
WITH ended AS (
  UPDATE user_sessions SET ended_at = now(), ended_why = :why
  WHERE user_id = :user_id AND ended_at IS NULL RETURNING 1)
SELECT count(*) FROM ended;
