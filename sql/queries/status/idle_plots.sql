-- name: idle_plots(park_id, as_of)
-- Idle and soon-idle plots with their legal clock, soonest deadline first.
SELECT p.id, p.code, p.name, z.code AS zone, p.owner, p.land_user, p.contract_no,
       m2_to_mu(p.area_m2) AS area_mu,
       p.land_price, p.agreed_start_on,
       (s.details #>> '{idle,mark_1y}')::date AS mark_1y,
       (s.details #>> '{idle,mark_2y}')::date AS mark_2y,
       (s.details #>> '{idle,days_to_1y}')::int AS days_to_1y,
       (s.details #>> '{idle,days_to_2y}')::int AS days_to_2y,
       s.flags, s.reasons, s.evaluated_on, p.government_cause, p.disposal, p.disposal_on,
       s.details -> 'projects' AS projects
FROM plot_status_as_of(:park_id, coalesce(:as_of::date, park_today(:park_id))) s
JOIN plots p ON p.id = s.plot_id
LEFT JOIN zones z ON z.id = p.zone_id
WHERE s.flags && ARRAY['idle', 'idle_warning']
-- the next legal deadline: the 1-year mark while ahead, then the 2-year (reclaim) mark
ORDER BY CASE WHEN (s.details #>> '{idle,days_to_1y}')::int > 0
              THEN (s.details #>> '{idle,days_to_1y}')::int
              ELSE (s.details #>> '{idle,days_to_2y}')::int END NULLS LAST, p.code;
