-- name: set_active(username, active)$
-- Enable or disable a user; returns the id, or nothing for an unknown user.
UPDATE users SET active = :active WHERE username = :username RETURNING id;
