-- name: insert_plots(park_id, features)$
-- Plots from a GeoJSON feature array; property names are the plots columns, zone by code.
WITH f AS (SELECT value -> 'properties' AS p, value -> 'geometry' AS g
           FROM jsonb_array_elements(:features::jsonb)),
ins AS (
  INSERT INTO plots (park_id, zone_id, code, name, land_class, planned_use, owner, owner_type,
    price_zone, levelled, special_crop, house_floor_area_m2, approved_on, requisitioned_on,
    banked_on, supplied_on, agreed_start_on, delivered_on, started_on, completed_on,
    operating_on, supply_method, land_price, planned_investment, actual_investment,
    planned_floor_area_m2, floor_area_m2, high_floor_area_m2, building_footprint_m2,
    structure_footprint_m2, open_storage_m2, admin_living_area_m2, developed_area_m2,
    annual_tax, annual_output, suspended_since, government_cause, government_cause_note,
    disposal, disposal_on, disposal_note, land_user, contract_no, geom)
  SELECT :park_id, z.id, r.code, r.name, r.land_class, r.planned_use, r.owner,
    coalesce(r.owner_type, 'collective'), r.price_zone, coalesce(r.levelled, false),
    coalesce(r.special_crop, false), coalesce(r.house_floor_area_m2, 0), r.approved_on,
    r.requisitioned_on, r.banked_on, r.supplied_on, r.agreed_start_on, r.delivered_on,
    r.started_on, r.completed_on, r.operating_on, r.supply_method, r.land_price,
    r.planned_investment, r.actual_investment, r.planned_floor_area_m2, r.floor_area_m2,
    r.high_floor_area_m2, r.building_footprint_m2, r.structure_footprint_m2, r.open_storage_m2,
    r.admin_living_area_m2, r.developed_area_m2, r.annual_tax, r.annual_output,
    r.suspended_since, r.government_cause, r.government_cause_note, r.disposal, r.disposal_on,
    r.disposal_note, r.land_user, r.contract_no, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(f.g), 4490))
  FROM f
  CROSS JOIN LATERAL jsonb_populate_record(NULL::plots, f.p) AS r
  LEFT JOIN zones z ON z.park_id = :park_id AND z.code = f.p ->> 'zone'
  RETURNING 1)
SELECT count(*) FROM ins;
