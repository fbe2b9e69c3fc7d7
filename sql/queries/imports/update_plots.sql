-- name: update_plots(park_id)
-- The park's plots of the staged codes get the mapped values and the new geometry; what
-- the file does not map stays as it was.
UPDATE plots p SET
  (name, land_class, planned_use, owner, owner_type, land_user, contract_no) =
  (SELECT r.name, r.land_class, r.planned_use, r.owner, r.owner_type, r.land_user,
          r.contract_no FROM jsonb_populate_record(p, s.vals) AS r),
  zone_id = coalesce((SELECT z.id FROM zones z WHERE z.park_id = :park_id
                      AND z.code = s.vals ->> 'zone'), p.zone_id),
  geom = ST_Multi(s.geom)
FROM import_stage s
WHERE s.action = 'update' AND p.park_id = :park_id AND p.code = s.code
RETURNING p.id;
