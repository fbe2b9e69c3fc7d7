-- name: clear_year(park_id, year)!
-- Forget a park's evaluation of a year (app/evaluation/evaluation.py keep(), in the
-- transaction that writes the year anew).
DELETE FROM enterprise_evaluations WHERE park_id = :park_id AND year = :year;
