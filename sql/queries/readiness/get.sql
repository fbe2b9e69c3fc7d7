-- name: get(park_id, plot_id, as_of)^
-- One plot's readiness as of a date (stored if evaluated that day, else evaluated now).
SELECT r.plot_id, r.evaluated_on, r.utilities, r.levelled, r.level, r.level_name,
       r.level_name_en, r.serviced
FROM plot_readiness r
WHERE r.plot_id = :plot_id AND r.evaluated_on = coalesce(:as_of::date, park_today(:park_id))
UNION ALL
SELECT e.plot_id, e.evaluated_on, e.utilities, e.levelled, e.level, e.level_name,
       e.level_name_en, e.serviced
FROM evaluate_readiness(:park_id, coalesce(:as_of::date, park_today(:park_id)), ARRAY[:plot_id::int]) e
WHERE NOT EXISTS (SELECT 1 FROM plot_readiness r WHERE r.plot_id = :plot_id
                  AND r.evaluated_on = coalesce(:as_of::date, park_today(:park_id)))
LIMIT 1;
