-- name: period_report(park_id, d, prev_d, start_d, tags)
-- The 旬报's rows: the park's projects on one of the key lists (tags) that existed at the
-- end of the 旬 (d), in code order, with their values then and at the end of the previous
-- 旬 (prev_d), and the milestones reached during the 旬 (actual date from start_d to d, out
-- of those reached by d). No score: the ranking's, not the report's.
WITH cur AS (SELECT * FROM project_period_values(:park_id, :d::date)),
prev AS (SELECT * FROM project_period_values(:park_id, :prev_d::date))
SELECT pr.id, pr.code, pr.name, pr.company, pr.tags, pr.leader, pr.responsible_unit,
       pr.service_official, c.stage, c.progress_pct, c.reported_on, c.investment_done,
       c.planned_investment, c.invest_pct, c.flag, c.days_behind, c.reasons,
       p.existed AS prev_existed, p.stage AS prev_stage, p.progress_pct AS prev_progress_pct,
       p.investment_done AS prev_investment_done, p.flag AS prev_flag,
       p.days_behind AS prev_days_behind,
       jsonb_path_query_array(c.reached, '$[*] ? (@.on >= $start)',
                              jsonb_build_object('start', :start_d::date)) AS reached
FROM cur c JOIN projects pr ON pr.id = c.project_id
JOIN prev p ON p.project_id = c.project_id
WHERE c.existed AND pr.tags && :tags::text[]
ORDER BY pr.code;
