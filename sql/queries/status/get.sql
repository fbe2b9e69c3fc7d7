-- name: get(park_id, plot_id, as_of)^
-- One plot's status as of a date (stored if evaluated that day, else evaluated now).
SELECT s.plot_id, s.evaluated_on, s.stage, s.flags, s.reasons, s.details
FROM plot_status s
WHERE s.plot_id = :plot_id AND s.evaluated_on = coalesce(:as_of::date, park_today(:park_id))
UNION ALL
SELECT e.plot_id, e.evaluated_on, e.stage, e.flags, e.reasons, e.details
FROM evaluate_status(:park_id, coalesce(:as_of::date, park_today(:park_id)), ARRAY[:plot_id::int]) e
WHERE NOT EXISTS (SELECT 1 FROM plot_status s WHERE s.plot_id = :plot_id
                  AND s.evaluated_on = coalesce(:as_of::date, park_today(:park_id)))
LIMIT 1;
