-- 0032 indicator snapshots (issue 15 item 2): the park's indicators (park_indicators(),
-- sql/source/18_indicators.sql) as of each month end, kept for the dashboard's 24-month
-- trend and its "change since the last month end". A cache: every row carries the park's
-- data_version (migration 0029) it was computed at; a row of an older version is stale and
-- recomputed (refresh_indicator_snapshots(), sql/source/21_dashboard.sql) by the nightly
-- `parkatlas recompute` or on the first page that needs it.
CREATE TABLE IF NOT EXISTS indicator_snapshots (
  park_id integer NOT NULL REFERENCES parks (id) ON DELETE CASCADE,
  month_end date NOT NULL,
  data_version bigint NOT NULL,
  zone_id integer REFERENCES zones (id) ON DELETE CASCADE,  -- NULL: the whole park
  key text NOT NULL,
  kind text NOT NULL,
  numerator double precision,
  denominator double precision,
  value double precision,
  plots bigint,
  base_plots bigint,
  missing_plots bigint,
  oldest_days integer,
  mean_days double precision,
  computed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS indicator_snapshots_park_month
  ON indicator_snapshots (park_id, month_end);
