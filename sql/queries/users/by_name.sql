-- name: by_name(username)^
-- A user by login name.
SELECT id, username, display_name, role, password_hash, active FROM users WHERE username = :username;
