-- The dashboard (issue 15 item 2): the park's indicators as of each month end, kept in
-- indicator_snapshots (migration 0032) so the 24-month trend reads 24 stored months
-- instead of evaluating the rules 24 times (62 s at 2 000 plots, bench/indicators.py).
--
-- A snapshot row carries the park's data_version (migration 0029, moved by every change
-- of plots, their events, status, readiness, zones, networks, projects and settings: the
-- triggers of 16_tiles.sql). Any move makes every month of the park stale: a change can
-- be an event dated two years back or a plot's outline, which every month end reads (the
-- land base is today's plots), so no month is safe to keep. refresh_indicator_snapshots()
-- recomputes the missing and stale months in one statement; the nightly
-- `parkatlas recompute` calls it after storing the day's results, and the dashboard on
-- the first view that finds a month missing or stale.

-- The last day of each of the p_months months before the month of p_today (the park's
-- today by default), oldest first: on 2026-12-02, 2024-12-31 … 2026-11-30.
CREATE OR REPLACE FUNCTION park_month_ends(p_park integer, p_months integer,
                                           p_today date DEFAULT NULL)
RETURNS SETOF date
LANGUAGE sql STABLE AS $$
SELECT (date_trunc('month', coalesce(p_today, park_today(p_park)))
        - make_interval(months => k - 1))::date - 1
FROM generate_series(p_months, 1, -1) k;
$$;

-- Store the park's indicators for each of the month ends given that has no snapshot at the
-- park's current data_version; returns the months computed. One refresh at a time per park
-- (an advisory lock), so two first views do not both insert a month.
CREATE OR REPLACE FUNCTION refresh_indicator_snapshots(p_park integer, p_month_ends date[])
RETURNS SETOF date
LANGUAGE plpgsql AS $$
DECLARE
  v bigint;
  todo date[];
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('indicator_snapshots'), p_park);
  SELECT data_version INTO v FROM parks WHERE id = p_park;
  SELECT coalesce(array_agg(d ORDER BY d), '{}') INTO todo
  FROM unnest(p_month_ends) d
  WHERE NOT EXISTS (SELECT 1 FROM indicator_snapshots s
                    WHERE s.park_id = p_park AND s.month_end = d AND s.data_version = v);
  IF todo = '{}' THEN
    RETURN;
  END IF;
  DELETE FROM indicator_snapshots WHERE park_id = p_park AND month_end = ANY (todo);
  INSERT INTO indicator_snapshots (park_id, month_end, data_version, zone_id, key, kind,
                                   numerator, denominator, value, plots, base_plots,
                                   missing_plots, oldest_days, mean_days)
  SELECT p_park, d, v, i.zone_id, i.key, i.kind, i.numerator, i.denominator, i.value,
         i.plots, i.base_plots, i.missing_plots, i.oldest_days, i.mean_days
  FROM unnest(todo) d CROSS JOIN LATERAL park_indicators(p_park, d) i;
  RETURN QUERY SELECT unnest(todo);
END;
$$;
