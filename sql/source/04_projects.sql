-- Projects: a project's plots are in its own park.

-- A project's plots must be in its own park.
CREATE OR REPLACE FUNCTION check_project_plot_park() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT park_id FROM projects WHERE id = NEW.project_id)
     IS DISTINCT FROM (SELECT park_id FROM plots WHERE id = NEW.plot_id) THEN
    -- the words are the application's (app.errors.PROBLEMS): the values go as data
    RAISE EXCEPTION 'project % and plot % belong to different parks', NEW.project_id, NEW.plot_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'project_plots_same_park',
            DETAIL = jsonb_build_object(
              'project', (SELECT code FROM projects WHERE id = NEW.project_id),
              'plot', coalesce((SELECT code FROM plots WHERE id = NEW.plot_id),
                               NEW.plot_id::text))::text;
  END IF;
  RETURN NEW;
END;
$$;

CREATE OR REPLACE TRIGGER project_plots_same_park BEFORE INSERT OR UPDATE ON project_plots
  FOR EACH ROW EXECUTE FUNCTION check_project_plot_park();

-- A project's industry is a GB/T 4754-2017 code whose division (its first two digits) is
-- one of the industries table's (migration 0015).
CREATE OR REPLACE FUNCTION check_project_industry() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.industry_code IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM industries WHERE code = left(NEW.industry_code, 2)) THEN
    RAISE EXCEPTION 'project %: no industry division %', NEW.code, left(NEW.industry_code, 2)
      USING ERRCODE = 'check_violation', CONSTRAINT = 'projects_industry_known',
            DETAIL = jsonb_build_object('code', NEW.code, 'industry_code', NEW.industry_code);
  END IF;
  RETURN NEW;
END;
$$;

CREATE OR REPLACE TRIGGER projects_industry_known BEFORE INSERT OR UPDATE OF industry_code
  ON projects FOR EACH ROW EXECUTE FUNCTION check_project_industry();

-- What has happened cannot be dated in the future: a milestone's actual date and a
-- progress report's date are on or before the park's today (planned dates may be anything,
-- in any order).
CREATE OR REPLACE FUNCTION check_project_dates() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  today date := park_today((SELECT park_id FROM projects WHERE id = NEW.project_id));
  on_date date := CASE TG_TABLE_NAME WHEN 'milestones' THEN to_jsonb(NEW) ->> 'actual_on'
                                     ELSE to_jsonb(NEW) ->> 'reported_on' END;
BEGIN
  IF on_date > today THEN
    RAISE EXCEPTION '% of project % is in the future (%)', TG_TABLE_NAME, NEW.project_id, on_date
      USING ERRCODE = 'check_violation', CONSTRAINT = TG_TABLE_NAME || '_not_future',
            DETAIL = jsonb_build_object('on', on_date, 'today', today);
  END IF;
  RETURN NEW;
END;
$$;

CREATE OR REPLACE TRIGGER milestones_not_future BEFORE INSERT OR UPDATE ON milestones
  FOR EACH ROW EXECUTE FUNCTION check_project_dates();
CREATE OR REPLACE TRIGGER progress_reports_not_future BEFORE INSERT OR UPDATE ON progress_reports
  FOR EACH ROW EXECUTE FUNCTION check_project_dates();
CREATE OR REPLACE TRIGGER progress_reports_version BEFORE UPDATE ON progress_reports
  FOR EACH ROW EXECUTE FUNCTION bump_version();

-- A project's completed investment follows its latest progress report that states one
-- (the report is the dated record; the project's field is its current reading). Projects
-- without such a report keep the value entered on the project.
CREATE OR REPLACE FUNCTION follow_progress_investment() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE projects pr SET completed_investment = latest.investment_done
  FROM (SELECT r.investment_done FROM progress_reports r
        WHERE r.project_id = coalesce(NEW.project_id, OLD.project_id)
          AND r.investment_done IS NOT NULL
        ORDER BY r.reported_on DESC LIMIT 1) AS latest
  WHERE pr.id = coalesce(NEW.project_id, OLD.project_id)
    AND pr.completed_investment IS DISTINCT FROM latest.investment_done;
  RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER progress_reports_investment
  AFTER INSERT OR UPDATE OR DELETE ON progress_reports
  FOR EACH ROW EXECUTE FUNCTION follow_progress_investment();

-- The stages in their order (a project's stage index, 1 = 在谈 … 6 = 投产).
CREATE OR REPLACE FUNCTION project_stage_index(stage text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT array_position(ARRAY['negotiating', 'signed', 'land_supplied', 'started', 'completed',
                            'operating'], stage);
$$;

-- A milestone stage's names (the reasons are written in both languages, like a plot's).
CREATE OR REPLACE FUNCTION project_stage_name(stage text, lang text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
SELECT CASE WHEN lang = 'zh' THEN
  CASE stage WHEN 'negotiating' THEN '在谈' WHEN 'signed' THEN '签约' WHEN 'land_supplied' THEN '供地'
             WHEN 'started' THEN '开工' WHEN 'completed' THEN '竣工' WHEN 'operating' THEN '投产' END
  ELSE CASE stage WHEN 'negotiating' THEN 'Negotiating' WHEN 'signed' THEN 'Signed'
             WHEN 'land_supplied' THEN 'Land supplied' WHEN 'started' THEN 'Started'
             WHEN 'completed' THEN 'Completed' WHEN 'operating' THEN 'Operating' END END;
$$;

-- Rows of a table as they were recorded at an instant, from the audit trail, for the rows
-- changed since (the others are as they are now): the row as its first entry at or after
-- the instant found it — the before-image of an update or a delete (the trail is complete:
-- that is the after-image of the row's last entry before the instant); when that entry
-- inserted the row: NULL when a user (the audit actor is a user account) entered it later
-- — it was not known then — and the row as loaded otherwise: a data set import (actor
-- 'cli:…') or a script loads records that carry their own history (the demo's milestones
-- and reports). Row ids are identities, never reused, so an insert has no entry before.
-- One pass over the entries since the instant, no look-up per row, sorted bytewise (the
-- order of the ids does not matter, only their grouping): issue 12 benchmark. A bulk
-- entry (row_id NULL, the ids in row_ids: features loaded or imported, migration 0027)
-- carries no image: a row it inserted and not changed since is as loaded, as it is now.
CREATE OR REPLACE FUNCTION audit_rows_at(tbl text, t timestamptz)
RETURNS TABLE (row_id text, image jsonb)
LANGUAGE sql STABLE AS $$
SELECT DISTINCT ON (a.row_id COLLATE "C") a.row_id,
       CASE WHEN a.action <> 'insert' THEN a.before
            WHEN NOT EXISTS (SELECT 1 FROM users u WHERE u.username = a.actor) THEN a.after END
FROM audit_log a
WHERE a.table_name = tbl AND a.at >= t AND a.row_id IS NOT NULL  -- not a bulk entry
ORDER BY a.row_id COLLATE "C", a.id;
$$;

-- The instant a date ends in a park: the midnight after it in the park's time zone.
CREATE OR REPLACE FUNCTION park_day_end(park integer, d date) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
SELECT (d + 1)::timestamp AT TIME ZONE coalesce(park_settings(park) ->> 'timezone',
                                                'Asia/Shanghai');
$$;

-- A park's milestones as they were recorded at the end of a date, for the 旬报 and the
-- ranking (issue 12): the facts keep their own dates (actual_on as stored now; callers
-- compare it with the date), the plan is the one recorded then (audit_rows_at): a planned
-- date changed later counts with its value then, a milestone deleted later counts as it
-- was, one a user entered later has no planned date then.
CREATE OR REPLACE FUNCTION milestones_as_of(park integer, d date)
RETURNS TABLE (project_id integer, stage text, planned_on date, actual_on date)
LANGUAGE sql STABLE AS $$
WITH t AS MATERIALIZED (SELECT park_day_end(park, d) AS t),  -- once, not per audit row
then_ AS (SELECT i.* FROM t, audit_rows_at('milestones', t.t) i)
SELECT m.project_id, m.stage,
       CASE WHEN i.row_id IS NULL THEN m.planned_on ELSE (i.image ->> 'planned_on')::date END,
       m.actual_on
FROM milestones m JOIN projects pr ON pr.id = m.project_id AND pr.park_id = park
LEFT JOIN then_ i ON i.row_id::integer = m.id  -- on integers: hashed, not sorted as text
UNION ALL
SELECT (i.image ->> 'project_id')::integer, i.image ->> 'stage',
       (i.image ->> 'planned_on')::date, (i.image ->> 'actual_on')::date
FROM then_ i JOIN projects pr ON pr.id = (i.image ->> 'project_id')::integer
                               AND pr.park_id = park
WHERE NOT EXISTS (SELECT 1 FROM milestones m WHERE m.id = i.row_id::integer);
$$;

-- The flag of each project of a park as of a date (DESIGN §4.7): black when a milestone's
-- planned date has passed (it is before the date) without an actual date on or before it,
-- or when the latest progress report on or before the date is more than
-- projects.behind_schedule_points below the straight-line schedule (0 % at the planned
-- start 开工, 100 % at the planned completion 竣工, read at the report's date); otherwise
-- red. days_behind is the largest delay of the reasons: days since an overdue planned
-- date, or the days of schedule the missing progress stands for. One statement for a park.
-- recorded: the milestones as recorded at the end of the date (milestones_as_of: the plan
-- of then, for the 旬报 and the ranking) instead of as they are now.
-- reached: the milestones with an actual date on or before the date, [{stage, on}] in date
-- order (the 旬报 and the ranking take the stage and the milestones of a 旬 from it, so
-- that the milestones as recorded then are read once per date).
DROP FUNCTION IF EXISTS project_flags(integer, date);
DROP FUNCTION IF EXISTS project_flags(integer, date, boolean);
CREATE OR REPLACE FUNCTION project_flags(park integer, d date DEFAULT NULL,
                                         recorded boolean DEFAULT false)
RETURNS TABLE (project_id integer, flag text, days_behind integer, reasons jsonb,
               reached jsonb)
LANGUAGE sql STABLE AS $$
WITH cfg AS (
  SELECT coalesce(d, park_today(park)) AS d,
         (park_settings(park) #>> '{projects,behind_schedule_points}')::double precision AS pts),
ms AS (  -- the park's milestones, now or as recorded then
  SELECT m.project_id, m.stage, m.planned_on, m.actual_on
  FROM milestones m JOIN projects pr ON pr.id = m.project_id AND pr.park_id = park
  WHERE NOT recorded
  UNION ALL
  SELECT r.* FROM cfg, milestones_as_of(park, cfg.d) r WHERE recorded),
late AS (  -- milestones overdue as of the date
  SELECT m.project_id, (cfg.d - m.planned_on) AS days,
         jsonb_build_object(
           'rule', 'milestone_overdue', 'stage', m.stage, 'planned_on', m.planned_on,
           'days', cfg.d - m.planned_on,
           'zh', format('%s节点计划 %s，已过 %s 天仍无实际日期', project_stage_name(m.stage, 'zh'),
                        m.planned_on, cfg.d - m.planned_on),
           'en', format('%s milestone %s passed %s %s ago without an actual date',
                        project_stage_name(m.stage, 'en'), m.planned_on, cfg.d - m.planned_on,
                        CASE WHEN cfg.d - m.planned_on = 1 THEN 'day' ELSE 'days' END))
           AS reason
  FROM cfg, ms m
  WHERE m.planned_on < cfg.d AND (m.actual_on IS NULL OR m.actual_on > cfg.d)),
line AS (  -- the straight-line schedule and the latest report on or before the date
  SELECT pr.id AS project_id, s.planned_on AS s, e.planned_on AS e, rep.reported_on,
         rep.progress_pct,
         least(100, greatest(0, 100.0 * (rep.reported_on - s.planned_on)
                                / (e.planned_on - s.planned_on))) AS expected
  FROM cfg, projects pr
  JOIN ms s ON s.project_id = pr.id AND s.stage = 'started'
  JOIN ms e ON e.project_id = pr.id AND e.stage = 'completed'
  JOIN LATERAL (SELECT r.reported_on, r.progress_pct FROM progress_reports r
                WHERE r.project_id = pr.id AND r.reported_on <= cfg.d
                ORDER BY r.reported_on DESC LIMIT 1) rep ON true
  WHERE pr.park_id = park AND e.planned_on > s.planned_on),
behind AS (
  SELECT l.project_id,
         ceil((l.expected - l.progress_pct) / 100 * (l.e - l.s))::integer AS days,
         jsonb_build_object(
           'rule', 'progress_behind', 'reported_on', l.reported_on,
           'progress_pct', l.progress_pct, 'expected_pct', round(l.expected::numeric, 2),
           'points', round((l.expected - l.progress_pct)::numeric, 2),
           'zh', format('%s 报告进度 %s%%，低于直线计划 %s%%（落后 %s 个百分点，超过 %s）',
                        l.reported_on, round(l.progress_pct::numeric, 2),
                        round(l.expected::numeric, 2),
                        round((l.expected - l.progress_pct)::numeric, 2), cfg.pts),
           'en', format('progress %s%% reported on %s is %s points below the straight-line '
                        'schedule (%s%%; more than %s)', round(l.progress_pct::numeric, 2),
                        l.reported_on, round((l.expected - l.progress_pct)::numeric, 2),
                        round(l.expected::numeric, 2), cfg.pts)) AS reason
  FROM cfg, line l
  WHERE l.expected - l.progress_pct > cfg.pts),
found AS (
  SELECT * FROM late UNION ALL SELECT * FROM behind),
flagged AS (
  SELECT f.project_id, max(f.days) AS days, jsonb_agg(f.reason ORDER BY f.days DESC) AS reasons
  FROM found f GROUP BY f.project_id),
reached AS (
  SELECT m.project_id,
         jsonb_agg(jsonb_build_object('stage', m.stage, 'on', m.actual_on)
                   ORDER BY m.actual_on, project_stage_index(m.stage)) AS reached
  FROM cfg, ms m WHERE m.actual_on <= cfg.d GROUP BY m.project_id)
SELECT pr.id, CASE WHEN fl.project_id IS NOT NULL THEN 'black' ELSE 'red' END,
       coalesce(fl.days, 0)::integer, coalesce(fl.reasons, '[]'), coalesce(rc.reached, '[]')
FROM projects pr
LEFT JOIN flagged fl ON fl.project_id = pr.id
LEFT JOIN reached rc ON rc.project_id = pr.id
WHERE pr.park_id = park;
$$;
