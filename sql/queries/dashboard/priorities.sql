-- name: priorities(park_id, as_of, top)
-- The first :top planned roads and networks by the land they would serve as of a date
-- (infrastructure_priority(), sql/source/11_priority.sql, over the day's stored
-- readiness), without their outlines and plot lists: what the dashboard's table shows.
SELECT x.kind, x.feature_id, x.utility, x.name, x.status, x.planned_completion,
       x.plots_gained, x.area_mu_gained, x.newly_serviced, x.newly_serviced_mu
FROM infrastructure_priority(:park_id, coalesce(:as_of::date, park_today(:park_id))) x
ORDER BY x.area_mu_gained DESC, x.newly_serviced_mu DESC, x.planned_completion NULLS LAST,
         x.kind, x.feature_id
LIMIT :top;
