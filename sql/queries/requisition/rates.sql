-- name: rates(park_id)
-- The compensation rate table of a park, by price zone and land group.
SELECT r.*, z.name AS price_zone_name FROM compensation_rates r
LEFT JOIN price_zones z ON z.park_id = r.park_id AND z.code = r.price_zone
WHERE r.park_id = :park_id
ORDER BY r.price_zone, array_position(ARRAY['cultivated', 'agricultural', 'construction', 'unused'], r.land_group);
