-- name: evaluate(park_id, as_of)
-- Every indicator of DESIGN §4.6 for the park (zone NULL) and each zone, as of a date
-- (park_indicators() in sql/source/18_indicators.sql), with the zone's code and names;
-- a park without plots gives one row with no key, for the date.
WITH day AS (SELECT coalesce(:as_of::date, park_today(:park_id)) AS d)
SELECT day.d AS evaluated_on, i.*, z.code AS zone_code, z.name AS zone_name,
       z.name_en AS zone_name_en
FROM day LEFT JOIN LATERAL park_indicators(:park_id, day.d) i ON true
LEFT JOIN zones z ON z.id = i.zone_id
ORDER BY i.zone_id NULLS FIRST, z.code, i.key;
