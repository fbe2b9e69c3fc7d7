-- name: years(park_id)
-- The years a park has evaluated, the latest first.
SELECT year, count(*) AS enterprises, max(evaluated_at) AS evaluated_at
FROM enterprise_evaluations WHERE park_id = :park_id GROUP BY year ORDER BY year DESC;
