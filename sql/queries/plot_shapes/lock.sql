-- name: lock(ids)
-- The plots an operation changes, locked for it (in id order, so two operations on
-- shared plots wait for each other instead of deadlocking), with the version each has.
SELECT id, park_id, code, version FROM plots WHERE id = ANY (:ids::integer[])
ORDER BY id FOR UPDATE;
