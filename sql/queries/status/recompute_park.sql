-- name: recompute_park(park_id, as_of, ids)$
-- Recompute and store the status and readiness of a park's plots (or of some) as of a date.
SELECT recompute_plots(:park_id, coalesce(:as_of::date, park_today(:park_id)), :ids::int[]);
