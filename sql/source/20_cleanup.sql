-- Land clean-up lists (issue 15 item 4) and the disposal record (item 5).
--
-- cleanup_plots(park, date) is every plot on one of the four lists as of a date, one row a
-- plot and list, read from the plots' status as of that date (plot_status_as_of):
--   idle                   闲置土地: flag idle (A or B, disposed ones included) or idle_warning
--   low_efficiency         低效用地: flag low_efficiency
--   approved_not_supplied  批而未供: flag approved_not_supplied
--   supplied_not_used      供而未用: flag supplied_not_used
-- Each row carries its legal clock: the date the clock runs from, the 1- and 2-year marks
-- (park settings idle.idle_after_years, idle.reclaim_after_years), the days left to the
-- next mark ahead and the days since the last one reached (0 on its day). The clock runs from
--   idle, 供而未用  the agreed start date (supply date when none was agreed); an idle plot
--                 whose 限期动工 deadline was set also counts down to that deadline
--   批而未供       the approval date
--   低效用地       no legal clock
-- `kinds` are the values the type/cause filter matches: for idle the flags (idle_a,
-- idle_b, idle_warning, idle_fee_due, reclaim_due, government_cause, idle_disposed), for
-- low efficiency the failing indicators, for the other two the stage. `failing` lists a
-- low-efficiency plot's failing indicators with value, limit and gap (value − limit).

CREATE OR REPLACE FUNCTION cleanup_plots(p_park integer, p_as_of date)
RETURNS TABLE (list text, plot_id integer, stage text, flags text[], kinds text[],
               clock_from date, deadline_on date, mark_1y date, mark_2y date,
               days_left integer, days_over integer, failing jsonb, reasons jsonb)
LANGUAGE sql STABLE AS $$
WITH cfg AS (
  SELECT (s #>> '{idle,idle_after_years}')::int AS y1, (s #>> '{idle,reclaim_after_years}')::int AS y2
  FROM park_settings(p_park) s),
st AS (SELECT s.* FROM plot_status_as_of(p_park, p_as_of) s),
listed AS (
  SELECT l.list, s.plot_id, s.stage, s.flags, s.reasons, p.disposal, p.disposal_on,
         CASE l.list WHEN 'idle' THEN coalesce(p.agreed_start_on, p.supplied_on)
                     WHEN 'supplied_not_used' THEN coalesce(p.agreed_start_on, p.supplied_on)
                     WHEN 'approved_not_supplied' THEN p.approved_on END AS clock_from
  FROM st s JOIN plots p ON p.id = s.plot_id
  CROSS JOIN LATERAL (VALUES ('idle', s.flags && ARRAY['idle', 'idle_warning']),
                             ('low_efficiency', 'low_efficiency' = ANY (s.flags)),
                             ('approved_not_supplied', 'approved_not_supplied' = ANY (s.flags)),
                             ('supplied_not_used', 'supplied_not_used' = ANY (s.flags))) AS l (list, on_it)
  WHERE l.on_it),
clocked AS (
  SELECT l.*, CASE WHEN l.list = 'idle' AND l.disposal = 'deadline' THEN l.disposal_on END AS deadline_on,
         (l.clock_from + make_interval(years => c.y1))::date AS mark_1y,
         (l.clock_from + make_interval(years => c.y2))::date AS mark_2y
  FROM listed l CROSS JOIN cfg c)
SELECT c.list, c.plot_id, c.stage, c.flags,
       CASE c.list
         WHEN 'idle' THEN ARRAY(SELECT f FROM unnest(c.flags) f
                                WHERE f IN ('idle_a', 'idle_b', 'idle_warning', 'idle_fee_due',
                                            'reclaim_due', 'government_cause', 'idle_disposed'))
         WHEN 'low_efficiency' THEN ARRAY(SELECT split_part(e ->> 'rule', '.', 2)
                                          FROM jsonb_array_elements(c.reasons) e
                                          WHERE e ->> 'rule' LIKE 'low_efficiency.%')
         ELSE ARRAY[c.stage] END,
       c.clock_from, c.deadline_on, c.mark_1y, c.mark_2y,
       -- a mark is reached on its day (idle from the 1-year mark on); a deadline is missed
       -- the day after it
       least(CASE WHEN c.mark_1y > p_as_of THEN c.mark_1y END,
             CASE WHEN c.mark_2y > p_as_of THEN c.mark_2y END,
             CASE WHEN c.deadline_on >= p_as_of THEN c.deadline_on END) - p_as_of,
       p_as_of - greatest(CASE WHEN c.mark_1y <= p_as_of THEN c.mark_1y END,
                          CASE WHEN c.mark_2y <= p_as_of THEN c.mark_2y END,
                          CASE WHEN c.deadline_on < p_as_of THEN c.deadline_on END),
       CASE WHEN c.list = 'low_efficiency' THEN (
         SELECT coalesce(jsonb_agg(jsonb_build_object(
                  'indicator', split_part(e ->> 'rule', '.', 2),
                  'value', (e #>> '{values,value}')::float8,
                  'limit', coalesce(e #>> '{values,min}', e #>> '{values,max}')::float8,
                  'bound', CASE WHEN e #> '{values,max}' IS NOT NULL THEN 'max' ELSE 'min' END,
                  'gap', (e #>> '{values,value}')::float8
                         - coalesce(e #>> '{values,min}', e #>> '{values,max}')::float8)
                  ORDER BY e ->> 'rule'), '[]')
         FROM jsonb_array_elements(c.reasons) e WHERE e ->> 'rule' LIKE 'low_efficiency.%') END,
       c.reasons
FROM clocked c;
$$;

SELECT audit_table('plot_disposals');
