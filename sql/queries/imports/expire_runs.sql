-- name: expire_runs(hours)
-- Open runs older than :hours are cancelled; returns their folders, to be removed.
UPDATE import_runs SET state = 'cancelled', finished_at = now(), folder = NULL
FROM (SELECT id, folder FROM import_runs
      WHERE state = 'open' AND started_at < now() - make_interval(hours => :hours)
      FOR UPDATE) old
WHERE import_runs.id = old.id
RETURNING old.folder;
