-- name: set_choices(id, format, choices)!
-- The choices last made for an open run (and the format its file was read as).
UPDATE import_runs SET choices = :choices::jsonb, format = coalesce(:format, format)
WHERE id = :id AND state = 'open';
