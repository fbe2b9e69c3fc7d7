-- name: set_password(username, password_hash)$
-- Replace a user's password hash; returns the id, or nothing for an unknown user.
UPDATE users SET password_hash = :password_hash WHERE username = :username RETURNING id;
