-- name: finish_run(id, state, counts, report)!
-- A run ends: committed, refused, cancelled or a dry run, with what it did; its file is gone.
UPDATE import_runs SET state = :state, counts = :counts::jsonb, report = :report::jsonb,
                       finished_at = now(), folder = NULL
WHERE id = :id AND state = 'open';
