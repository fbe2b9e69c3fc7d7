-- Feature views: the properties the API and the map show for each layer, defined
-- once here so the list and the single-feature endpoints cannot drift apart.

-- Plots with their stage today (in their park's time zone), zone, class names and areas
-- (m², 亩, 公顷, from GK).
CREATE OR REPLACE VIEW plot_features AS
SELECT p.id, p.park_id, p.zone_id, z.code AS zone_code, p.code, p.geom, plot_stage(p, pk.today) AS stage,
       jsonb_build_object(
         'id', p.id, 'park_id', p.park_id, 'code', p.code, 'name', p.name,
         'zone', z.code, 'zone_name', z.name, 'zone_name_en', z.name_en, 'stage', plot_stage(p, pk.today),
         'land_class', p.land_class, 'land_class_name', lc.name_zh,
         'land_class_name_en', lc.name_en, 'land_group', lc.land_group,
         'planned_use', p.planned_use, 'planned_use_name', pu.name_zh,
         'planned_use_name_en', pu.name_en,
         'owner', p.owner, 'owner_type', p.owner_type, 'levelled', p.levelled,
         'land_user', p.land_user, 'contract_no', p.contract_no,
         'area_m2', p.area_m2, 'area_mu', m2_to_mu(p.area_m2), 'area_ha', m2_to_ha(p.area_m2),
         'version', p.version) AS properties
FROM plots p
-- each park's today once (OFFSET 0: not once per plot)
JOIN (SELECT id, park_today(id) AS today FROM parks OFFSET 0) pk ON pk.id = p.park_id
LEFT JOIN zones z ON z.id = p.zone_id
LEFT JOIN land_classes lc ON lc.code = p.land_class
LEFT JOIN planned_uses pu ON pu.code = p.planned_use;

-- Projects with the union of the plots they occupy and the occupied area.
CREATE OR REPLACE VIEW project_features AS
SELECT pr.id, pr.park_id, occ.geom,
       jsonb_build_object(
         'id', pr.id, 'park_id', pr.park_id, 'code', pr.code, 'name', pr.name,
         'company', pr.company, 'industry_code', pr.industry_code, 'stage', pr.stage,
         'zone', z.code, 'planned_investment', pr.planned_investment,
         'completed_investment', pr.completed_investment, 'tags', pr.tags,
         'leader', pr.leader, 'service_official', pr.service_official,
         'plots', coalesce(occ.codes, '[]'::jsonb),
         'occupied_area_m2', coalesce(occ.area_m2, 0),
         'occupied_area_mu', m2_to_mu(coalesce(occ.area_m2, 0)),
         'version', pr.version) AS properties
FROM projects pr
LEFT JOIN zones z ON z.id = pr.zone_id
LEFT JOIN LATERAL (
  SELECT ST_Multi(ST_Union(pl.geom)) AS geom, jsonb_agg(pl.code ORDER BY pl.code) AS codes,
         sum(pl.area_m2) AS area_m2
  FROM project_plots pp JOIN plots pl ON pl.id = pp.plot_id
  WHERE pp.project_id = pr.id) AS occ ON true;
