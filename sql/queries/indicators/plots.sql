-- name: plots(park_id, as_of, key, zone_id, which)
-- The plots behind one indicator's number (park_indicator_plots()), with what a list of
-- them shows: code, name, zone, area, stage as of the date.
WITH day AS (SELECT coalesce(:as_of::date, park_today(:park_id)) AS d),
ids AS (SELECT i AS id FROM day, park_indicator_plots(:park_id, day.d, :key, :zone_id, :which) i)
SELECT p.id, p.code, p.name, z.code AS zone, m2_to_mu(p.area_m2) AS area_mu,
       plot_stage(p, day.d) AS stage
FROM day, ids JOIN plots p ON p.id = ids.id
LEFT JOIN zones z ON z.id = p.zone_id
ORDER BY p.code;
