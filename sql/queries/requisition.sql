-- name: list_plans(park_id)
-- Every plan of a park (or of all parks), newest first, with its current version's size.
SELECT rp.id, rp.park_id, pk.code AS park_code, rp.name, rp.status, rp.current_version,
       rp.created_by, rp.created_at, rp.updated_at, rp.version,
       (SELECT count(*) FROM plan_plots pp
        WHERE pp.plan_id = rp.id AND pp.plan_version = rp.current_version) AS plot_count,
       (SELECT coalesce(sum(p.area_m2), 0) FROM plan_plots pp JOIN plots p ON p.id = pp.plot_id
        WHERE pp.plan_id = rp.id AND pp.plan_version = rp.current_version) AS area_m2
FROM requisition_plans rp JOIN parks pk ON pk.id = rp.park_id
WHERE :park_id::int IS NULL OR rp.park_id = :park_id
ORDER BY rp.updated_at DESC, rp.id DESC;

-- name: get_plan(id)^
-- One plan with its park's name and GK CRS.
SELECT rp.*, pk.code AS park_code, pk.name AS park_name, pk.gk_zone,
       pk.gk_epsg_prefixed AS gk_epsg,
       coalesce(pk.settings ->> 'organisation', pk.name || '管理委员会') AS organisation
FROM requisition_plans rp JOIN parks pk ON pk.id = rp.park_id
WHERE rp.id = :id;

-- name: lock_plan(id)^
-- The plan row, locked for the rest of the transaction (edits to one plan queue up).
SELECT id, park_id, name, status, current_version, version FROM requisition_plans
WHERE id = :id FOR UPDATE;

-- name: plan_versions(plan_id)
-- The versions of a plan, oldest first, without their frozen results.
SELECT v.version_no, v.status, v.created_by, v.created_at, v.submitted_by, v.submitted_at,
       v.approved_by, v.approved_at,
       (SELECT count(*) FROM plan_plots pp
        WHERE pp.plan_id = v.plan_id AND pp.plan_version = v.version_no) AS plot_count
FROM plan_versions v WHERE v.plan_id = :plan_id ORDER BY v.version_no;

-- name: get_version(plan_id, version_no)^
-- One version of a plan, with its frozen result when it was submitted.
SELECT * FROM plan_versions WHERE plan_id = :plan_id AND version_no = :version_no;

-- name: insert_plan(park_id, name, selection, created_by)^
-- A new plan at version 1 (draft).
INSERT INTO requisition_plans (park_id, name, selection, created_by)
VALUES (:park_id, :name, :selection::jsonb, :created_by)
RETURNING id;

-- name: insert_version(plan_id, version_no, created_by)!
-- A new draft version of a plan.
INSERT INTO plan_versions (plan_id, version_no, created_by)
VALUES (:plan_id, :version_no, :created_by);

-- name: copy_version_plots(plan_id, from_version, to_version)!
-- Start a version with the plots of an earlier one (those still existing).
INSERT INTO plan_plots (plan_id, plan_version, plot_id)
SELECT plan_id, :to_version, plot_id FROM plan_plots
WHERE plan_id = :plan_id AND plan_version = :from_version AND plot_id IS NOT NULL;

-- name: set_plan(id, version, name, status, current_version)$
-- Rename a plan, move it to a status or a version, if nobody changed it since `version`.
UPDATE requisition_plans
SET name = coalesce(:name, name), status = coalesce(:status, status),
    current_version = coalesce(:current_version, current_version), updated_at = now()
WHERE id = :id AND version = :version
RETURNING version;

-- name: select_plot_ids(park_id, project_id, zone, polygon, codes)
-- The plots of a park chosen one way: by project, by zone code, by a drawn polygon
-- (GeoJSON in lon/lat; a plot is chosen when more than half of it lies inside) or by
-- a list of codes.
SELECT p.id, p.code FROM plots p
WHERE p.park_id = :park_id
  AND (:project_id::int IS NULL
       OR p.id IN (SELECT plot_id FROM project_plots WHERE project_id = :project_id))
  AND (:zone::text IS NULL
       OR p.zone_id IN (SELECT id FROM zones WHERE park_id = :park_id AND code = :zone))
  AND (:codes::text[] IS NULL OR p.code IN (SELECT unnest(:codes::text[])))
  AND (:polygon::text IS NULL OR (
       ST_Intersects(p.geom, ST_SetSRID(ST_GeomFromGeoJSON(:polygon), 4490))
       AND ST_Area(ST_Intersection(p.geom_gk, ST_Transform(
             ST_SetSRID(ST_GeomFromGeoJSON(:polygon), 4490), ST_SRID(p.geom_gk))))
           > p.area_m2 / 2))
ORDER BY p.code;

-- name: add_plan_plots(plan_id, version_no, ids)!
-- Add plots to a draft version (plots already in it stay once).
INSERT INTO plan_plots (plan_id, plan_version, plot_id)
SELECT :plan_id, :version_no, id FROM unnest(:ids::int[]) AS id
ON CONFLICT (plan_id, plan_version, plot_id) DO NOTHING;

-- name: remove_plan_plots(plan_id, version_no, ids)!
-- Remove plots from a draft version.
DELETE FROM plan_plots
WHERE plan_id = :plan_id AND plan_version = :version_no
  AND plot_id IN (SELECT unnest(:ids::int[]));

-- name: plan_plots(plan_id, version_no)
-- The plots of one plan version with everything the computation needs: land class and
-- group, owner, planned use, GK geometry (WKB) and area, and the requisition date.
-- The geometry is snapped to the 0.1 mm grid the 报批坐标 file is written on, and the
-- area is computed from it: the land bureau recomputes areas from the submitted
-- coordinates, and must find the same number (it differs from the stored area by
-- well under 0.1 m²).
SELECT p.id, p.park_id, p.code, p.name, p.land_class, lc.name_zh AS land_class_name,
       lc.land_group, p.owner, p.owner_type, p.planned_use, pu.name_zh AS planned_use_name,
       p.special_crop, p.house_floor_area_m2, ST_Area(plan_geometry(p.geom_gk)) AS area_m2,
       p.requisitioned_on, ST_AsBinary(plan_geometry(p.geom_gk)) AS wkb
FROM plan_plots pp
JOIN plots p ON p.id = pp.plot_id
LEFT JOIN land_classes lc ON lc.code = left(p.land_class, 4)
LEFT JOIN planned_uses pu ON pu.code = p.planned_use
WHERE pp.plan_id = :plan_id AND pp.plan_version = :version_no
ORDER BY p.code;

-- name: plan_price_pieces(plan_id, version_no)
-- Each plot of a plan version split by the price zones (区片) it lies in, by GK area,
-- with the rates of its land group. The pieces of a plot are scaled to sum to its area
-- exactly; slivers under 0.01 m² (digitising noise on shared edges) are ignored; a plot
-- outside every price-zone polygon falls back to the price zone recorded on it.
WITH m AS (
  SELECT p.id, p.park_id, p.geom_gk, ST_Area(plan_geometry(p.geom_gk)) AS area_m2,
         p.price_zone, lc.land_group
  FROM plan_plots pp
  JOIN plots p ON p.id = pp.plot_id
  LEFT JOIN land_classes lc ON lc.code = left(p.land_class, 4)
  WHERE pp.plan_id = :plan_id AND pp.plan_version = :version_no
),
hit AS (
  SELECT m.id, z.code, ST_Area(ST_Intersection(m.geom_gk, z.geom_gk)) AS a
  FROM m JOIN price_zones z ON z.park_id = m.park_id AND ST_Intersects(m.geom_gk, z.geom_gk)
),
pieces AS (
  SELECT id, code, a FROM hit WHERE a >= 0.01
  UNION ALL
  SELECT m.id, m.price_zone, m.area_m2 FROM m
  WHERE m.price_zone IS NOT NULL AND NOT EXISTS (SELECT 1 FROM hit WHERE hit.id = m.id AND hit.a >= 0.01)
)
SELECT pc.id AS plot_id, pc.code AS price_zone,
       m.area_m2 * pc.a / nullif(sum(pc.a) OVER (PARTITION BY pc.id), 0) AS area_m2,
       r.land_price_yuan_mu, r.crop_yuan_mu, r.special_crop_yuan_mu, r.house_yuan_m2,
       r.social_security_yuan_mu
FROM pieces pc
JOIN m ON m.id = pc.id
LEFT JOIN compensation_rates r
  ON r.park_id = m.park_id AND r.price_zone = pc.code AND r.land_group = m.land_group
ORDER BY pc.id, pc.code;

-- name: plan_overlaps(plan_id, version_no)
-- Pairs of plots of a plan version that overlap by more than 0.01 m² in GK.
SELECT a.code AS code, b.code AS other, ST_Area(ST_Intersection(a.geom_gk, b.geom_gk)) AS area_m2
FROM plan_plots pa JOIN plots a ON a.id = pa.plot_id
JOIN plan_plots pb ON pb.plan_id = pa.plan_id AND pb.plan_version = pa.plan_version
JOIN plots b ON b.id = pb.plot_id AND a.id < b.id AND ST_Intersects(a.geom_gk, b.geom_gk)
WHERE pa.plan_id = :plan_id AND pa.plan_version = :version_no
  AND ST_Area(ST_Intersection(a.geom_gk, b.geom_gk)) > 0.01
ORDER BY a.code, b.code;

-- name: plan_invalid(plan_id, version_no)
-- Plots of a plan version whose GK geometry is not valid, with the reason.
SELECT p.code, ST_IsValidReason(p.geom_gk) AS reason
FROM plan_plots pp JOIN plots p ON p.id = pp.plot_id
WHERE pp.plan_id = :plan_id AND pp.plan_version = :version_no AND NOT ST_IsValid(p.geom_gk)
ORDER BY p.code;

-- name: plan_context(plan_id, version_no, margin)
-- What the map sheet draws around a plan: roads, zones and other plots within `margin`
-- metres of the plan's extent, in GK (WKB).
WITH ext AS (
  SELECT ST_SetSRID(ST_Expand(ST_Extent(p.geom_gk)::geometry, :margin), min(ST_SRID(p.geom_gk))) AS box,
         min(p.park_id) AS park_id
  FROM plan_plots pp JOIN plots p ON p.id = pp.plot_id
  WHERE pp.plan_id = :plan_id AND pp.plan_version = :version_no
)
SELECT 'zone' AS kind, coalesce(z.name, z.code) AS label, NULL AS status,
       ST_AsBinary(ST_Boundary(z.geom_gk)) AS wkb
FROM ext JOIN zones z ON z.park_id = ext.park_id AND z.geom_gk && ext.box
UNION ALL
SELECT 'road', r.name, r.status, ST_AsBinary(ST_Intersection(r.geom_gk, ext.box))
FROM ext JOIN roads r ON r.park_id = ext.park_id AND r.geom_gk && ext.box
UNION ALL
SELECT 'plot', p.code, NULL, ST_AsBinary(p.geom_gk)
FROM ext JOIN plots p ON p.park_id = ext.park_id AND p.geom_gk && ext.box
WHERE p.id NOT IN (SELECT plot_id FROM plan_plots
                   WHERE plan_id = :plan_id AND plan_version = :version_no AND plot_id IS NOT NULL);

-- name: freeze_version(plan_id, version_no, result, submitted_by)!
-- Submit a draft version: store its result, and a snapshot of each plot's code and
-- geometry so the version's rows survive later edits or deletion of the plots.
WITH v AS (
  UPDATE plan_versions SET status = 'submitted', result = :result::jsonb,
         submitted_by = :submitted_by, submitted_at = now()
  WHERE plan_id = :plan_id AND version_no = :version_no AND status = 'draft'
  RETURNING plan_id
)
UPDATE plan_plots pp
SET snapshot = jsonb_build_object('code', p.code, 'area_m2', p.area_m2), geom = p.geom
FROM plots p
WHERE p.id = pp.plot_id AND pp.plan_id = :plan_id AND pp.plan_version = :version_no;

-- name: approve_version(plan_id, version_no, approved_by)$
-- Approve a submitted version.
UPDATE plan_versions SET status = 'approved', approved_by = :approved_by, approved_at = now()
WHERE plan_id = :plan_id AND version_no = :version_no AND status = 'submitted'
RETURNING version_no;

-- name: delete_plan(id, version)$
-- Delete a plan that was never submitted, if nobody changed it since `version`.
DELETE FROM requisition_plans WHERE id = :id AND version = :version
RETURNING id;

-- name: plan_geojson(plan_id, version_no)^
-- The plots of a plan version as a FeatureCollection in lon/lat for the plan's map.
SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
         'type', 'Feature', 'id', p.id,
         'geometry', ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Transform(coalesce(p.geom, pp.geom), 4326)), 9)::json,
         'properties', json_build_object('code', coalesce(p.code, pp.snapshot ->> 'code'),
                                         'area_m2', coalesce(p.area_m2, (pp.snapshot ->> 'area_m2')::float8),
                                         'owner', p.owner, 'land_class', p.land_class))
         ORDER BY coalesce(p.code, pp.snapshot ->> 'code')), '[]')) AS collection
FROM plan_plots pp LEFT JOIN plots p ON p.id = pp.plot_id
WHERE pp.plan_id = :plan_id AND pp.plan_version = :version_no;

-- name: rates(park_id)
-- The compensation rate table of a park, by price zone and land group.
SELECT r.*, z.name AS price_zone_name FROM compensation_rates r
LEFT JOIN price_zones z ON z.park_id = r.park_id AND z.code = r.price_zone
WHERE r.park_id = :park_id
ORDER BY r.price_zone, array_position(ARRAY['cultivated', 'agricultural', 'construction', 'unused'], r.land_group);

-- name: update_rate(id, version, land_price_yuan_mu, crop_yuan_mu, special_crop_yuan_mu, house_yuan_m2, social_security_yuan_mu)$
-- Change one row of the rate table if nobody changed it since `version`.
UPDATE compensation_rates
SET land_price_yuan_mu = :land_price_yuan_mu, crop_yuan_mu = :crop_yuan_mu,
    special_crop_yuan_mu = :special_crop_yuan_mu, house_yuan_m2 = :house_yuan_m2,
    social_security_yuan_mu = :social_security_yuan_mu
WHERE id = :id AND version = :version
RETURNING version;

-- name: rate_version(id)$
-- The current version of a rate row (to tell a conflict from a missing row).
SELECT version FROM compensation_rates WHERE id = :id;

-- name: zone_choices(park_id)
-- The zones a plan can be made from.
SELECT code, coalesce(name, code) AS name FROM zones WHERE park_id = :park_id ORDER BY code;

-- name: project_choices(park_id)
-- The projects (with plots) a plan can be made from.
SELECT pr.id, pr.code, pr.name, count(pp.plot_id) AS plots
FROM projects pr JOIN project_plots pp ON pp.project_id = pr.id
WHERE pr.park_id = :park_id GROUP BY pr.id ORDER BY pr.code;
