-- name: zone_id(park_id, code)$
-- A zone of the park by its code.
SELECT id FROM zones WHERE park_id = :park_id AND code = :code;
