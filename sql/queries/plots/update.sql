-- name: update(id, version, changes, geometry)$
-- Apply attribute changes (a JSON object of column → value) and optionally a new GeoJSON
-- geometry, only if the plot still has the version the editor read; returns the new version.
UPDATE plots p SET
  (name, zone_id, land_class, planned_use, owner, owner_type, price_zone, levelled, special_crop,
   house_floor_area_m2, approved_on, requisitioned_on, banked_on, supplied_on, agreed_start_on,
   delivered_on, started_on, completed_on, operating_on, supply_method, land_price,
   planned_investment, actual_investment, planned_floor_area_m2, floor_area_m2,
   high_floor_area_m2, building_footprint_m2, structure_footprint_m2, open_storage_m2,
   admin_living_area_m2, developed_area_m2, annual_tax, annual_output, suspended_since,
   government_cause, government_cause_note, disposal, disposal_on, disposal_note, land_user,
   contract_no) =
  (SELECT r.name, r.zone_id, r.land_class, r.planned_use, r.owner, r.owner_type, r.price_zone, r.levelled,
          r.special_crop, r.house_floor_area_m2, r.approved_on, r.requisitioned_on, r.banked_on,
          r.supplied_on, r.agreed_start_on, r.delivered_on, r.started_on, r.completed_on,
          r.operating_on, r.supply_method, r.land_price, r.planned_investment,
          r.actual_investment, r.planned_floor_area_m2, r.floor_area_m2, r.high_floor_area_m2,
          r.building_footprint_m2, r.structure_footprint_m2, r.open_storage_m2,
          r.admin_living_area_m2, r.developed_area_m2, r.annual_tax, r.annual_output,
          r.suspended_since, r.government_cause, r.government_cause_note, r.disposal,
          r.disposal_on, r.disposal_note, r.land_user, r.contract_no
   FROM jsonb_populate_record(p, :changes::jsonb) AS r),
  geom = CASE WHEN :geometry::text IS NULL THEN p.geom
              ELSE ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(:geometry::text), 4490)) END
WHERE p.id = :id AND p.version = :version
RETURNING p.version;
