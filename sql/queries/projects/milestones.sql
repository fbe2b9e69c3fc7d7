-- name: milestones(id, as_of)
-- A project's milestones in stage order, with the days late as of a date (NULL: today):
-- the actual date after the planned one, or, without an actual date, the days since the
-- planned date passed.
SELECT m.id, m.stage, m.planned_on, m.actual_on, m.version,
       CASE WHEN m.actual_on IS NOT NULL THEN greatest(m.actual_on - m.planned_on, 0)
            WHEN m.planned_on < d.d THEN d.d - m.planned_on ELSE 0 END AS days_late
FROM milestones m
JOIN projects pr ON pr.id = m.project_id
CROSS JOIN LATERAL (SELECT coalesce(:as_of::date, park_today(pr.park_id)) AS d) d
WHERE m.project_id = :id
ORDER BY array_position(ARRAY['signed', 'land_supplied', 'started', 'completed', 'operating'],
                        m.stage);
