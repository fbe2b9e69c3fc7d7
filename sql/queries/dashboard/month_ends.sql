-- name: month_ends(park_id, months)
-- The last day of each of the :months months before the park's current month, oldest first.
SELECT park_month_ends(:park_id, :months) AS d;
