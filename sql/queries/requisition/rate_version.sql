-- name: rate_version(id)$
-- The current version of a rate row (to tell a conflict from a missing row).
SELECT version FROM compensation_rates WHERE id = :id;
