-- name: insert_roads(park_id)
-- The staged roads.
INSERT INTO roads (park_id, name, class, width_m, status, planned_completion, geom)
SELECT :park_id, r.name, coalesce(r.class, 'branch'), r.width_m, r.status,
       r.planned_completion, ST_Multi(s.geom)
FROM import_stage s CROSS JOIN LATERAL jsonb_populate_record(NULL::roads, s.vals) AS r
WHERE s.action = 'insert' ORDER BY s.n
RETURNING id;
