-- name: search_plots(park_id, minx, miny, maxx, maxy, code, stage, zone, flag, serviced, as_of, limit, offset)^
-- A page of plots filtered by park, bbox, code prefix (case-insensitive), stage, zone code,
-- status flag and serviced-land flag as of a date, and how many match in all.
WITH day AS (SELECT pk.id AS park_id, coalesce(:as_of::date, park_today(pk.id)) AS d FROM parks pk
             WHERE :park_id::int IS NULL OR pk.id = :park_id),
st AS (SELECT s.* FROM day CROSS JOIN LATERAL plot_status_as_of(day.park_id, day.d) s),
rd AS (SELECT r.* FROM day CROSS JOIN LATERAL plot_readiness_as_of(day.park_id, day.d) r),
sel AS (
  SELECT f.id, f.park_id, f.code, f.geom,
         f.properties || jsonb_build_object(
           'stage', st.stage, 'flags', to_jsonb(st.flags), 'level', rd.level,
           'level_name', rd.level_name, 'level_name_en', rd.level_name_en,
           'serviced', rd.serviced, 'evaluated_on', st.evaluated_on) AS properties
  FROM plot_features f
  JOIN st ON st.plot_id = f.id
  JOIN rd ON rd.plot_id = f.id
  WHERE (:park_id::int IS NULL OR f.park_id = :park_id)
    AND (:minx::float8 IS NULL OR ST_Intersects(f.geom, ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4490)))
    AND (:code::text IS NULL OR starts_with(upper(f.code), upper(:code)))
    AND (:stage::text IS NULL OR st.stage = :stage)
    AND (:zone::text IS NULL OR f.zone_code = :zone)
    AND (:flag::text IS NULL OR :flag = ANY (st.flags))
    AND (:serviced::boolean IS NULL OR rd.serviced = :serviced)
)
SELECT (SELECT count(*) FROM sel) AS matched,
       coalesce((SELECT json_agg(json_build_object(
                   'type', 'Feature', 'id', f.id,
                   'geometry', ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Transform(f.geom, 4326)), 9)::json,
                   'properties', f.properties) ORDER BY f.park_id, f.code)
                 FROM (SELECT * FROM sel ORDER BY park_id, code LIMIT :limit OFFSET :offset) AS f),
                '[]') AS features;

-- name: get_plot(id)^
-- One plot with every stored attribute besides its summary properties.
SELECT f.id, ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Transform(f.geom, 4326)), 9)::json AS geometry,
       (to_jsonb(p) - 'geom' - 'geom_gk') || f.properties AS properties
FROM plot_features f JOIN plots p ON p.id = f.id
WHERE f.id = :id;

-- name: plot_projects(id)
-- The projects occupying a plot.
SELECT pr.id, pr.code, pr.name, pr.company, pr.stage
FROM project_plots pp JOIN projects pr ON pr.id = pp.project_id
WHERE pp.plot_id = :id ORDER BY pr.code;

-- name: plot_version(id)$
-- A plot's current version (to tell a conflict from a missing plot).
SELECT version FROM plots WHERE id = :id;

-- name: update_plot(id, version, changes, geometry)$
-- Apply attribute changes (a JSON object of column → value) and optionally a new GeoJSON
-- geometry, only if the plot still has the version the editor read; returns the new version.
UPDATE plots p SET
  (name, land_class, planned_use, owner, owner_type, price_zone, levelled, special_crop,
   house_floor_area_m2, approved_on, requisitioned_on, banked_on, supplied_on, agreed_start_on,
   delivered_on, started_on, completed_on, operating_on, supply_method, land_price,
   planned_investment, actual_investment, planned_floor_area_m2, floor_area_m2,
   high_floor_area_m2, building_footprint_m2, structure_footprint_m2, open_storage_m2,
   admin_living_area_m2, developed_area_m2, annual_tax, annual_output, suspended_since,
   government_cause, government_cause_note, disposal, disposal_on, disposal_note) =
  (SELECT r.name, r.land_class, r.planned_use, r.owner, r.owner_type, r.price_zone, r.levelled,
          r.special_crop, r.house_floor_area_m2, r.approved_on, r.requisitioned_on, r.banked_on,
          r.supplied_on, r.agreed_start_on, r.delivered_on, r.started_on, r.completed_on,
          r.operating_on, r.supply_method, r.land_price, r.planned_investment,
          r.actual_investment, r.planned_floor_area_m2, r.floor_area_m2, r.high_floor_area_m2,
          r.building_footprint_m2, r.structure_footprint_m2, r.open_storage_m2,
          r.admin_living_area_m2, r.developed_area_m2, r.annual_tax, r.annual_output,
          r.suspended_since, r.government_cause, r.government_cause_note, r.disposal,
          r.disposal_on, r.disposal_note
   FROM jsonb_populate_record(p, :changes::jsonb) AS r),
  geom = CASE WHEN :geometry::text IS NULL THEN p.geom
              ELSE ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(:geometry::text), 4490)) END
WHERE p.id = :id AND p.version = :version
RETURNING p.version;
