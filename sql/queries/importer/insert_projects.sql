-- name: insert_projects(park_id, projects)$
-- Projects, their plots (by code), milestones and progress reports from a JSON array.
WITH src AS (SELECT value AS j FROM jsonb_array_elements(:projects::jsonb)),
prj AS (
  INSERT INTO projects (park_id, zone_id, code, name, company, industry_code,
    planned_investment, completed_investment, tags, leader, responsible_unit, service_official,
    stage)
  SELECT :park_id, z.id, j ->> 'code', j ->> 'name', j ->> 'company', j ->> 'industry_code',
         (j ->> 'planned_investment')::float8, (j ->> 'completed_investment')::float8,
         ARRAY(SELECT jsonb_array_elements_text(coalesce(j -> 'tags', '[]'))),
         j ->> 'leader', j ->> 'responsible_unit', j ->> 'service_official',
         coalesce(j ->> 'stage', 'negotiating')
  FROM src LEFT JOIN zones z ON z.park_id = :park_id AND z.code = j ->> 'zone'
  RETURNING id, code),
occ AS (
  INSERT INTO project_plots (project_id, plot_id)
  SELECT prj.id, pl.id
  FROM src JOIN prj ON prj.code = src.j ->> 'code'
  CROSS JOIN LATERAL jsonb_array_elements_text(coalesce(src.j -> 'plots', '[]')) AS c(code)
  JOIN plots pl ON pl.park_id = :park_id AND pl.code = c.code
  RETURNING 1),
ms AS (
  INSERT INTO milestones (project_id, stage, planned_on, actual_on)
  SELECT prj.id, m.stage, m.planned_on, m.actual_on
  FROM src JOIN prj ON prj.code = src.j ->> 'code'
  CROSS JOIN LATERAL jsonb_populate_recordset(NULL::milestones, coalesce(src.j -> 'milestones', '[]')) AS m
  RETURNING 1),
pr AS (
  INSERT INTO progress_reports (project_id, reported_on, progress_pct, investment_done, note,
                                reporter)
  SELECT prj.id, r.reported_on, r.progress_pct, r.investment_done, r.note, r.reporter
  FROM src JOIN prj ON prj.code = src.j ->> 'code'
  CROSS JOIN LATERAL jsonb_populate_recordset(NULL::progress_reports, coalesce(src.j -> 'progress', '[]')) AS r
  RETURNING 1)
SELECT (SELECT count(*) FROM prj);
