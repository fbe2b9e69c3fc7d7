-- name: insert(park_id, values)$
-- A new project from a JSON object of its columns; returns its id.
INSERT INTO projects (park_id, code, name, company, industry_code, planned_investment,
                      completed_investment, tags, leader, responsible_unit, service_official,
                      zone_id, stage)
SELECT :park_id, r.code, r.name, r.company, r.industry_code, r.planned_investment,
       r.completed_investment, coalesce(r.tags, '{}'), r.leader, r.responsible_unit,
       r.service_official, r.zone_id, coalesce(r.stage, 'negotiating')
FROM jsonb_populate_record(NULL::projects, :values::jsonb) AS r
RETURNING id;
