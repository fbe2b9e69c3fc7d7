-- name: insert_networks(park_id)
-- The staged network features: lines as MultiLineStrings, facilities as points.
INSERT INTO networks (park_id, utility, subtype, name, status, planned_completion, geom)
SELECT :park_id, r.utility, r.subtype, r.name, r.status, r.planned_completion,
       CASE WHEN GeometryType(s.geom) = 'POINT' THEN s.geom ELSE ST_Multi(s.geom) END
FROM import_stage s CROSS JOIN LATERAL jsonb_populate_record(NULL::networks, s.vals) AS r
WHERE s.action = 'insert' ORDER BY s.n
RETURNING id;
