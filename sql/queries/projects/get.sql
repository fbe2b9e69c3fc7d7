-- name: get(id)^
-- One project with the names of its zone and industry.
SELECT pr.id, pr.park_id, pr.code, pr.name, pr.company, pr.industry_code, pr.stage, pr.tags,
       pr.leader, pr.responsible_unit, pr.service_official, pr.planned_investment,
       pr.completed_investment, pr.zone_id, pr.version, z.code AS zone, z.name AS zone_name,
       z.name_en AS zone_name_en, i.name_zh AS industry_name_zh, i.name_en AS industry_name_en
FROM projects pr
LEFT JOIN zones z ON z.id = pr.zone_id
LEFT JOIN industries i ON i.code = left(pr.industry_code, 2)
WHERE pr.id = :id;
