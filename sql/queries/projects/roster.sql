-- name: roster(park_id, tags, since, until)
-- The 点将台: the park's key projects (on one of the key lists) with their target (planned
-- investment, planned completion and operation), people, and each month's latest progress
-- report from one date to another (the end of the 旬).
SELECT pr.id, pr.code, pr.name, pr.company, pr.tags, pr.planned_investment, pr.stage,
       pr.leader, pr.responsible_unit, pr.service_official,
       (SELECT m.planned_on FROM milestones m
        WHERE m.project_id = pr.id AND m.stage = 'completed') AS planned_completion,
       (SELECT m.planned_on FROM milestones m
        WHERE m.project_id = pr.id AND m.stage = 'operating') AS planned_operation,
       coalesce((SELECT jsonb_object_agg(month, progress_pct) FROM (
                   SELECT DISTINCT ON (date_trunc('month', r.reported_on))
                          to_char(r.reported_on, 'YYYY-MM') AS month, r.progress_pct
                   FROM progress_reports r
                   WHERE r.project_id = pr.id AND r.reported_on BETWEEN :since::date AND :until::date
                   ORDER BY date_trunc('month', r.reported_on), r.reported_on DESC) x),
                '{}') AS monthly
FROM projects pr
WHERE pr.park_id = :park_id AND pr.tags && :tags::text[]
ORDER BY pr.code;
