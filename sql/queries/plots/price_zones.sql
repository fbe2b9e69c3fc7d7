-- name: price_zones(park_id)
-- The price zones (区片) of a park.
SELECT code, name FROM price_zones WHERE park_id = :park_id ORDER BY code;
