-- name: trend(park_id, months)
-- The stored indicators of the park's last :months month ends (the park and each zone), as
-- park_indicators() gave them, with the zone's code, when they were computed and whether
-- the park's data has moved since (stale).
SELECT s.month_end, s.zone_id, z.code AS zone_code, s.key, s.kind, s.numerator,
       s.denominator, s.value, s.plots, s.base_plots, s.missing_plots, s.oldest_days,
       s.mean_days, s.computed_at, s.data_version < pk.data_version AS stale
FROM indicator_snapshots s
JOIN parks pk ON pk.id = s.park_id
LEFT JOIN zones z ON z.id = s.zone_id
WHERE s.park_id = :park_id
  AND s.month_end IN (SELECT park_month_ends(:park_id, :months))
ORDER BY s.month_end, s.zone_id NULLS FIRST, s.key;
