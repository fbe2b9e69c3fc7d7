-- name: board_extras(park_id, as_of)
-- What a board card adds to a list row, for every project of a park: the latest progress
-- report on or before the date (NULL: the park's today), the plots it occupies, and its
-- next stage with that stage's milestone (id, version, planned and actual date) if any.
WITH d AS (SELECT coalesce(:as_of::date, park_today(:park_id)) AS d),
st AS (SELECT ARRAY['negotiating', 'signed', 'land_supplied', 'started', 'completed',
                    'operating'] AS s)
SELECT pr.id, rep.progress_pct, rep.reported_on,
       coalesce((SELECT array_agg(pp.plot_id ORDER BY pp.plot_id) FROM project_plots pp
                 WHERE pp.project_id = pr.id), '{}') AS plot_ids,
       st.s[array_position(st.s, pr.stage) + 1] AS next_stage,
       m.id AS next_milestone_id, m.version AS next_milestone_version,
       m.planned_on AS next_planned_on, m.actual_on AS next_actual_on
FROM projects pr
CROSS JOIN d CROSS JOIN st
LEFT JOIN LATERAL (SELECT r.progress_pct, r.reported_on FROM progress_reports r
                   WHERE r.project_id = pr.id AND r.reported_on <= d.d
                   ORDER BY r.reported_on DESC LIMIT 1) rep ON true
LEFT JOIN milestones m ON m.project_id = pr.id
                      AND m.stage = st.s[array_position(st.s, pr.stage) + 1]
WHERE pr.park_id = :park_id;
