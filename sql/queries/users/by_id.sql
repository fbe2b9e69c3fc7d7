-- name: by_id(id)^
-- An active user by id (session loading).
SELECT id, username, display_name, role, active FROM users WHERE id = :id AND active;
