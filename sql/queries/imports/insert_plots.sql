-- name: insert_plots(park_id, zone_id)
-- The staged plots to insert; the zone by its code, else the zone replaced (if any).
INSERT INTO plots (park_id, zone_id, code, name, land_class, planned_use, owner, owner_type,
                   land_user, contract_no, geom)
SELECT :park_id, coalesce(z.id, :zone_id), r.code, r.name, r.land_class, r.planned_use,
       r.owner, coalesce(r.owner_type, 'collective'), r.land_user, r.contract_no,
       ST_Multi(s.geom)
FROM import_stage s
CROSS JOIN LATERAL jsonb_populate_record(NULL::plots, s.vals) AS r
LEFT JOIN zones z ON z.park_id = :park_id AND z.code = s.vals ->> 'zone'
WHERE s.action = 'insert'
ORDER BY s.n
RETURNING id;
