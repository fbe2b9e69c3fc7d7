-- name: period_report(park_id, d, prev_d, start_d, tags)
-- The 旬报's rows: the park's projects on one of the key lists (tags) that existed at the
-- end of the 旬 (d), in code order, with their values then and at the end of the previous
-- 旬 (prev_d), and the milestones reached during the 旬 (actual date from start_d to d).
WITH cur AS (SELECT * FROM project_period_values(:park_id, :d::date)),
prev AS (SELECT * FROM project_period_values(:park_id, :prev_d::date)),
reached AS (
  SELECT m.project_id, jsonb_agg(jsonb_build_object('stage', m.stage, 'on', m.actual_on)
                                 ORDER BY m.actual_on, project_stage_index(m.stage)) AS reached
  FROM milestones_as_of(:park_id, :d::date) m
  WHERE m.actual_on BETWEEN :start_d::date AND :d::date
  GROUP BY m.project_id)
SELECT pr.id, pr.code, pr.name, pr.company, pr.tags, pr.leader, pr.responsible_unit,
       pr.service_official, c.stage, c.progress_pct, c.reported_on, c.investment_done,
       c.planned_investment, c.invest_pct, c.flag, c.days_behind, c.reasons, c.score,
       p.existed AS prev_existed, p.stage AS prev_stage, p.progress_pct AS prev_progress_pct,
       p.investment_done AS prev_investment_done, p.flag AS prev_flag,
       p.days_behind AS prev_days_behind, coalesce(r.reached, '[]') AS reached
FROM cur c JOIN projects pr ON pr.id = c.project_id
JOIN prev p ON p.project_id = c.project_id
LEFT JOIN reached r ON r.project_id = c.project_id
WHERE c.existed AND pr.tags && :tags::text[]
ORDER BY pr.code;
