-- name: settings(id)$
-- A park's settings, defaults filled in.
SELECT park_settings(:id);
