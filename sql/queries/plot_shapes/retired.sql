-- name: retired(id)^
-- A retired plot as it was, with the operation that retired it (done_local: its time in
-- the park's time zone, what the page shows).
SELECT r.id, r.park_id, r.code, r.name, r.area_m2, r.snapshot,
       ST_AsGeoJSON(r.geom, 9)::jsonb AS geometry, o.kind, o.done_at,
       o.done_at AT TIME ZONE park_timezone(o.park_id) AS done_local, o.done_by, o.reason
FROM retired_plots r JOIN plot_operations o ON o.id = r.operation_id WHERE r.id = :id;
