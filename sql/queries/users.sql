-- name: user_by_name(username)^
-- A user by login name.
SELECT id, username, display_name, role, password_hash, active FROM users WHERE username = :username;

-- name: user_by_id(id)^
-- An active user by id (session loading).
SELECT id, username, display_name, role, active FROM users WHERE id = :id AND active;

-- name: insert_user(username, role, display_name, password_hash)^
-- Create a user.
INSERT INTO users (username, role, display_name, password_hash)
VALUES (:username, :role, :display_name, :password_hash)
RETURNING id, username, display_name, role, active;

-- name: set_password(username, password_hash)$
-- Replace a user's password hash; returns the id, or nothing for an unknown user.
UPDATE users SET password_hash = :password_hash WHERE username = :username RETURNING id;

-- name: list_users()
-- Every user with the number of API tokens.
SELECT u.id, u.username, u.display_name, u.role, u.active, u.created_at,
       count(t.id) AS tokens
FROM users u LEFT JOIN api_tokens t ON t.user_id = u.id
GROUP BY u.id ORDER BY u.username;

-- name: insert_token(user_id, token_sha256, label)!
-- Store the digest of a new personal API token.
INSERT INTO api_tokens (user_id, token_sha256, label) VALUES (:user_id, :token_sha256, :label);

-- name: user_by_token(token_sha256)^
-- The active user holding an API token.
SELECT u.id, u.username, u.display_name, u.role, u.active
FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.token_sha256 = :token_sha256 AND u.active;
