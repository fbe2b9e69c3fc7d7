-- name: ranking(park_id, d, prev_d, q, stage, zone, industry, leader, service_official, flag, tag)^
-- The 龙虎榜 as of the end of a 旬 (d) and of the one before (prev_d): the park's projects
-- past negotiating that existed then (project_period_values), filtered like the project
-- list (stage and flag as of d), ranked by score, then fewer days behind, a larger share of
-- the planned investment completed, a larger planned investment, the code; with each rank
-- of the previous 旬 (among the same filtered projects). Leaders and units ranked by the
-- mean score of their projects, then fewer black flags, more projects, the name.
WITH cur AS (SELECT * FROM project_period_values(:park_id, :d::date)),
prev AS (SELECT * FROM project_period_values(:park_id, :prev_d::date)),
sel AS (
  SELECT c.*, pr.code, pr.name, pr.company, pr.leader, pr.responsible_unit,
         pr.service_official, pr.tags, z.code AS zone, p.stage AS prev_stage,
         p.score AS prev_score, p.flag AS prev_flag, p.existed AND p.stage <> 'negotiating'
           AS prev_ranked
  FROM cur c JOIN projects pr ON pr.id = c.project_id
  LEFT JOIN prev p ON p.project_id = c.project_id
  LEFT JOIN zones z ON z.id = pr.zone_id
  WHERE c.existed AND c.stage <> 'negotiating'
    AND project_matches(pr, c.stage, z.code, c.flag, :q, :stage, :zone, :industry, :leader,
                        :service_official, :flag, :tag)),
ranked AS (
  SELECT s.*,
         row_number() OVER (ORDER BY s.score DESC, s.days_behind, s.invest_pct DESC NULLS LAST,
                                     s.planned_investment DESC NULLS LAST, s.code) AS rank
  FROM sel s),
prev_ranked AS (
  SELECT s.project_id,
         row_number() OVER (ORDER BY p.score DESC, p.days_behind, p.invest_pct DESC NULLS LAST,
                                     p.planned_investment DESC NULLS LAST, s.code) AS rank
  FROM sel s JOIN prev p ON p.project_id = s.project_id
  WHERE s.prev_ranked),
projects AS (
  SELECT r.*, pr.rank AS prev_rank FROM ranked r LEFT JOIN prev_ranked pr USING (project_id)),
people AS (  -- one row per (kind, person or unit, period)
  SELECT k.kind, k.who, 'cur' AS period, s.score, s.flag
  FROM sel s CROSS JOIN LATERAL (VALUES ('leader', s.leader), ('unit', s.responsible_unit)) k (kind, who)
  WHERE k.who IS NOT NULL
  UNION ALL
  SELECT k.kind, k.who, 'prev', p.score, p.flag
  FROM sel s JOIN prev p ON p.project_id = s.project_id AND s.prev_ranked
  CROSS JOIN LATERAL (VALUES ('leader', s.leader), ('unit', s.responsible_unit)) k (kind, who)
  WHERE k.who IS NOT NULL),
grouped AS (
  SELECT kind, who, period, count(*) AS n, round(avg(score), 2) AS score,
         count(*) FILTER (WHERE flag = 'black') AS black
  FROM people GROUP BY kind, who, period),
group_ranks AS (
  SELECT g.*, row_number() OVER (PARTITION BY kind, period
                                 ORDER BY score DESC, black, n DESC, who) AS rank
  FROM grouped g)
SELECT (SELECT coalesce(jsonb_agg(to_jsonb(p) - 'reached' ORDER BY p.rank), '[]')
        FROM projects p) AS projects,
       (SELECT coalesce(jsonb_agg(jsonb_build_object(
                 'kind', c.kind, 'who', c.who, 'n', c.n, 'score', c.score, 'black', c.black,
                 'rank', c.rank, 'prev_rank', p.rank) ORDER BY c.kind, c.rank), '[]')
        FROM group_ranks c
        LEFT JOIN group_ranks p ON p.kind = c.kind AND p.who = c.who AND p.period = 'prev'
        WHERE c.period = 'cur') AS groups;
