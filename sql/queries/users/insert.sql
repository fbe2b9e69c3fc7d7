-- name: insert(username, role, display_name, password_hash)^
-- Create a user.
INSERT INTO users (username, role, display_name, password_hash)
VALUES (:username, :role, :display_name, :password_hash)
RETURNING id, username, display_name, role, active;
