-- Projects as of the end of a 旬 (issue 12: the ranking 龙虎榜 and the 旬报): each value from
-- the dated records on or before the date, the rest from the audit trail, so that a past
-- period gives the same numbers however much is recorded later.

-- The project list's filters (search text in code, name or company; stage, zone code,
-- industry code prefix, leader, service official, flag, key-list tag; NULL: not applied)
-- on a project row with its stage, zone code and flag of the reading; the list and the
-- ranking share it. Inlined by the planner (one expression).
CREATE OR REPLACE FUNCTION project_matches(
    pr projects, stage text, zone text, flag text, q text, f_stage text, f_zone text,
    f_industry text, f_leader text, f_official text, f_flag text, f_tag text)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
SELECT (q IS NULL OR strpos(lower(pr.code), lower(q)) > 0
        OR strpos(lower(pr.name), lower(q)) > 0
        OR strpos(lower(coalesce(pr.company, '')), lower(q)) > 0)
   AND (f_stage IS NULL OR stage = f_stage)
   AND (f_zone IS NULL OR zone = f_zone)
   AND (f_industry IS NULL OR starts_with(pr.industry_code, f_industry))
   AND (f_leader IS NULL OR pr.leader = f_leader)
   AND (f_official IS NULL OR pr.service_official = f_official)
   AND (f_flag IS NULL OR flag = f_flag)
   AND (f_tag IS NULL OR f_tag = ANY (pr.tags));
$$;

-- Each project of a park as of the end of date d:
--   existed      false for a project a user created after the date (it is left out);
--   stage        the later of the last milestone with an actual date on or before d and
--                the project's stage as recorded then (audit trail);
--   progress_pct, reported_on   the latest progress report dated on or before d;
--   investment_done             the latest report on or before d that states one, else the
--                               project's completed investment as recorded then;
--   planned_investment, invest_pct   as recorded then; completed ÷ planned in percent;
--   flag, days_behind, reasons, reached   project_flags(park, d, recorded => true): the
--                milestones as recorded then are read once, for the flag and the stage;
--   score        0.6 × schedule + 0.4 × investment, where schedule = max(0, 100 − days
--                behind) and investment = min(100, invest_pct) (0 without a planned one).
-- "Recorded then": the row at the midnight that ends d (park time zone) from the audit
-- trail (audit_rows_at, sql/source/04_projects.sql).
DROP FUNCTION IF EXISTS project_period_values(integer, date);
CREATE OR REPLACE FUNCTION project_period_values(park integer, d date)
RETURNS TABLE (project_id integer, existed boolean, stage text, progress_pct double precision,
               reported_on date, investment_done double precision,
               planned_investment double precision, invest_pct double precision, flag text,
               days_behind integer, reasons jsonb, reached jsonb, score numeric)
LANGUAGE sql STABLE AS $$
WITH t AS MATERIALIZED (SELECT park_day_end(park, d) AS t),
then_ AS (SELECT i.* FROM t, audit_rows_at('projects', t.t) i),
rec AS (
  SELECT pr.id, i.row_id IS NULL OR i.image IS NOT NULL AS existed,
         CASE WHEN i.row_id IS NULL THEN pr.stage ELSE i.image ->> 'stage' END AS stage,
         CASE WHEN i.row_id IS NULL THEN pr.planned_investment
              ELSE (i.image ->> 'planned_investment')::float8 END AS planned,
         CASE WHEN i.row_id IS NULL THEN pr.completed_investment
              ELSE (i.image ->> 'completed_investment')::float8 END AS completed
  FROM projects pr LEFT JOIN then_ i ON i.row_id::integer = pr.id
  WHERE pr.park_id = park),
v AS (
  SELECT rec.id, rec.existed,
         (ARRAY['negotiating', 'signed', 'land_supplied', 'started', 'completed', 'operating'])
           [greatest(coalesce(project_stage_index(rec.stage), 1),
                     (SELECT max(project_stage_index(m ->> 'stage'))
                      FROM jsonb_array_elements(fl.reached) m))] AS stage,
         rep.progress_pct, rep.reported_on,
         coalesce(inv.investment_done, rec.completed) AS investment_done, rec.planned,
         fl.flag, fl.days_behind, fl.reasons, fl.reached
  FROM rec
  JOIN project_flags(park, d, true) fl ON fl.project_id = rec.id
  LEFT JOIN LATERAL (SELECT r.progress_pct, r.reported_on FROM progress_reports r
                     WHERE r.project_id = rec.id AND r.reported_on <= d
                     ORDER BY r.reported_on DESC LIMIT 1) rep ON true
  LEFT JOIN LATERAL (SELECT r.investment_done FROM progress_reports r
                     WHERE r.project_id = rec.id AND r.reported_on <= d
                       AND r.investment_done IS NOT NULL
                     ORDER BY r.reported_on DESC LIMIT 1) inv ON true)
SELECT v.id, v.existed, v.stage, v.progress_pct, v.reported_on, v.investment_done, v.planned,
       CASE WHEN v.planned > 0 THEN 100 * coalesce(v.investment_done, 0) / v.planned END,
       v.flag, v.days_behind, v.reasons, v.reached,
       round((0.6 * greatest(0, 100 - v.days_behind)
              + 0.4 * least(100, CASE WHEN v.planned > 0
                                      THEN 100 * coalesce(v.investment_done, 0) / v.planned
                                      ELSE 0 END))::numeric, 2)
FROM v;
$$;
