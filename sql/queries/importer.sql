-- name: insert_park(code, name, name_en, gk_zone, settings)$
-- Create a park; its settings start from the defaults with the given overrides merged in.
INSERT INTO parks (code, name, name_en, gk_zone, settings)
VALUES (:code, :name, :name_en, :gk_zone,
        jsonb_deep_merge(park_default_settings(), :settings::jsonb))
RETURNING id;

-- name: count_parks()$
-- How many parks are loaded.
SELECT count(*) FROM parks;

-- name: insert_zones(park_id, features)$
-- Zones from a GeoJSON feature array; returns how many were inserted.
WITH f AS (SELECT value -> 'properties' AS p, value -> 'geometry' AS g
           FROM jsonb_array_elements(:features::jsonb)),
ins AS (
  INSERT INTO zones (park_id, code, name, name_en, admitted_industries, geom)
  SELECT :park_id, p ->> 'code', p ->> 'name', p ->> 'name_en',
         ARRAY(SELECT jsonb_array_elements_text(coalesce(p -> 'admitted_industries', '[]'))),
         ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(g), 4490))
  FROM f RETURNING 1)
SELECT count(*) FROM ins;

-- name: insert_price_zones(park_id, features)$
-- Compensation price zones from a GeoJSON feature array.
WITH f AS (SELECT value -> 'properties' AS p, value -> 'geometry' AS g
           FROM jsonb_array_elements(:features::jsonb)),
ins AS (
  INSERT INTO price_zones (park_id, code, name, geom)
  SELECT :park_id, p ->> 'code', p ->> 'name', ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(g), 4490))
  FROM f RETURNING 1)
SELECT count(*) FROM ins;

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
    disposal, disposal_on, disposal_note, geom)
  SELECT :park_id, z.id, r.code, r.name, r.land_class, r.planned_use, r.owner,
    coalesce(r.owner_type, 'collective'), r.price_zone, coalesce(r.levelled, false),
    coalesce(r.special_crop, false), coalesce(r.house_floor_area_m2, 0), r.approved_on,
    r.requisitioned_on, r.banked_on, r.supplied_on, r.agreed_start_on, r.delivered_on,
    r.started_on, r.completed_on, r.operating_on, r.supply_method, r.land_price,
    r.planned_investment, r.actual_investment, r.planned_floor_area_m2, r.floor_area_m2,
    r.high_floor_area_m2, r.building_footprint_m2, r.structure_footprint_m2, r.open_storage_m2,
    r.admin_living_area_m2, r.developed_area_m2, r.annual_tax, r.annual_output,
    r.suspended_since, r.government_cause, r.government_cause_note, r.disposal, r.disposal_on,
    r.disposal_note, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(f.g), 4490))
  FROM f
  CROSS JOIN LATERAL jsonb_populate_record(NULL::plots, f.p) AS r
  LEFT JOIN zones z ON z.park_id = :park_id AND z.code = f.p ->> 'zone'
  RETURNING 1)
SELECT count(*) FROM ins;

-- name: insert_roads(park_id, features)$
-- Road centrelines from a GeoJSON feature array.
WITH f AS (SELECT value -> 'properties' AS p, value -> 'geometry' AS g
           FROM jsonb_array_elements(:features::jsonb)),
ins AS (
  INSERT INTO roads (park_id, name, class, width_m, status, planned_completion, geom)
  SELECT :park_id, p ->> 'name', coalesce(p ->> 'class', 'branch'), (p ->> 'width_m')::float8,
         p ->> 'status', (p ->> 'planned_completion')::date,
         ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(g), 4490))
  FROM f RETURNING 1)
SELECT count(*) FROM ins;

-- name: insert_networks(park_id, features)$
-- Utility lines (as MultiLineString) and facilities (Point) from a GeoJSON feature array.
WITH f AS (SELECT value -> 'properties' AS p, ST_SetSRID(ST_GeomFromGeoJSON(value -> 'geometry'), 4490) AS g
           FROM jsonb_array_elements(:features::jsonb)),
ins AS (
  INSERT INTO networks (park_id, utility, subtype, name, status, planned_completion, geom)
  SELECT :park_id, p ->> 'utility', p ->> 'subtype', p ->> 'name', p ->> 'status',
         (p ->> 'planned_completion')::date,
         CASE WHEN GeometryType(g) = 'POINT' THEN g ELSE ST_Multi(g) END
  FROM f RETURNING 1)
SELECT count(*) FROM ins;

-- name: insert_compensation_rates(park_id, rates)$
-- The compensation rate table from a JSON array of rows.
WITH ins AS (
  INSERT INTO compensation_rates (park_id, price_zone, land_group, land_price_yuan_mu,
    crop_yuan_mu, special_crop_yuan_mu, house_yuan_m2, social_security_yuan_mu)
  SELECT :park_id, r.price_zone, r.land_group, r.land_price_yuan_mu, coalesce(r.crop_yuan_mu, 0),
         coalesce(r.special_crop_yuan_mu, 0), coalesce(r.house_yuan_m2, 0),
         coalesce(r.social_security_yuan_mu, 0)
  FROM jsonb_populate_recordset(NULL::compensation_rates, :rates::jsonb) AS r
  RETURNING 1)
SELECT count(*) FROM ins;

-- name: insert_projects(park_id, projects)$
-- Projects, their plots (by code), milestones and progress reports from a JSON array.
WITH src AS (SELECT value AS j FROM jsonb_array_elements(:projects::jsonb)),
prj AS (
  INSERT INTO projects (park_id, zone_id, code, name, company, industry_code,
    planned_investment, completed_investment, tags, leader, service_official, stage)
  SELECT :park_id, z.id, j ->> 'code', j ->> 'name', j ->> 'company', j ->> 'industry_code',
         (j ->> 'planned_investment')::float8, (j ->> 'completed_investment')::float8,
         ARRAY(SELECT jsonb_array_elements_text(coalesce(j -> 'tags', '[]'))),
         j ->> 'leader', j ->> 'service_official', coalesce(j ->> 'stage', 'negotiating')
  FROM src LEFT JOIN zones z ON z.park_id = :park_id AND z.code = j ->> 'zone'
  RETURNING id, code),
occ AS (
  INSERT INTO project_plots (project_id, plot_id)
  SELECT prj.id, pl.id
  FROM src JOIN prj ON prj.code = src.j ->> 'code'
  CROSS JOIN LATERAL jsonb_array_elements_text(coalesce(src.j -> 'plots', '[]')) AS c(code)
  JOIN plots pl ON pl.park_id = :park_id AND pl.code = c.code
  RETURNING 1),
ms AS (
  INSERT INTO milestones (project_id, stage, planned_on, actual_on)
  SELECT prj.id, m.stage, m.planned_on, m.actual_on
  FROM src JOIN prj ON prj.code = src.j ->> 'code'
  CROSS JOIN LATERAL jsonb_populate_recordset(NULL::milestones, coalesce(src.j -> 'milestones', '[]')) AS m
  RETURNING 1),
pr AS (
  INSERT INTO progress_reports (project_id, reported_on, progress_pct, investment_done, note)
  SELECT prj.id, r.reported_on, r.progress_pct, r.investment_done, r.note
  FROM src JOIN prj ON prj.code = src.j ->> 'code'
  CROSS JOIN LATERAL jsonb_populate_recordset(NULL::progress_reports, coalesce(src.j -> 'progress', '[]')) AS r
  RETURNING 1)
SELECT (SELECT count(*) FROM prj);
