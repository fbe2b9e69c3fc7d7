-- name: parks(park_id)
-- The parks a request reads (one, or every park): their Gauss-Krüger CRSs (with and
-- without the zone prefix). Every items request reads them (its CRSs): no geometry here.
SELECT p.id, p.code, p.gk_epsg, p.gk_epsg_prefixed
FROM parks p
WHERE :park_id::int IS NULL OR p.id = :park_id
ORDER BY p.id;
