-- name: update(id, version, changes)$
-- Apply changes (a JSON object of column → value) if the project still has the version the
-- editor read; returns the new version (NULL: stale or absent).
UPDATE projects p SET
  (code, name, company, industry_code, planned_investment, completed_investment, tags, leader,
   responsible_unit, service_official, zone_id, stage, updated_at) =
  (SELECT r.code, r.name, r.company, r.industry_code, r.planned_investment,
          r.completed_investment, coalesce(r.tags, '{}'), r.leader, r.responsible_unit,
          r.service_official, r.zone_id, r.stage, now()
   FROM jsonb_populate_record(p, :changes::jsonb) AS r)
WHERE p.id = :id AND p.version = :version
RETURNING p.version;
