-- name: zone_choices(park_id)
-- The zones a plan can be made from.
SELECT code, coalesce(name, code) AS name FROM zones WHERE park_id = :park_id ORDER BY code;
