-- name: list()
-- Every user with the number of API tokens.
SELECT u.id, u.username, u.display_name, u.role, u.active, u.created_at,
       count(t.id) AS tokens
FROM users u LEFT JOIN api_tokens t ON t.user_id = u.id AND t.revoked_at IS NULL
  AND t.expires_at > now()
GROUP BY u.id ORDER BY u.username;
