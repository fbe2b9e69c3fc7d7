-- name: unlock(key)$
SELECT pg_advisory_unlock(hashtext('park_answers'), hashtext(:key));
