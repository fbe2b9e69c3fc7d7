-- name: lock(key)$
-- Wait for (then hold, until unlocked or the connection ends) the lock of one answer, so
-- that two app processes asked for the same answer compute it once.
SELECT pg_advisory_lock(hashtext('park_answers'), hashtext(:key));
