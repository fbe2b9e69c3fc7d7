-- name: zones(park_id)
-- The zones of a park a plot may belong to.
SELECT id, code, name, name_en FROM zones WHERE park_id = :park_id ORDER BY code;
