-- name: refresh(park_id, months)
-- Compute and store the missing or stale month-end snapshots of the park's last :months
-- month ends (refresh_indicator_snapshots(), sql/source/21_dashboard.sql); the months done.
SELECT d AS month_end
FROM refresh_indicator_snapshots(:park_id, ARRAY(SELECT park_month_ends(:park_id, :months)))
  AS d;
