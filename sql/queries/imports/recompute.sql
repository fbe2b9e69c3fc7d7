-- name: recompute(park_id, ids)!
-- The status and readiness of the plots an import wrote, as of the park's today, at once.
SELECT recompute_plots(:park_id, park_today(:park_id), :ids::int[]);
