-- name: settings(park_id)^
-- What an import of the park needs: its GK CRS and the overlap tolerance.
SELECT p.gk_epsg_prefixed AS gk_epsg,
       (park_settings(p.id) #>> '{editing,max_overlap_m2}')::float8 AS max_overlap_m2
FROM parks p WHERE p.id = :park_id;
