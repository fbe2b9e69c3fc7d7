-- name: repair(park_id)!
-- Make the invalid geometries valid (ST_MakeValid), keeping only parts of their own
-- dimension (a bow-tie becomes two triangles, not a polygon and a point).
UPDATE import_stage s
SET geom = fixed.geom, geom_gk = ST_Transform(fixed.geom, p.gk_epsg_prefixed), repaired = true
FROM parks p, (
  SELECT n, ST_CollectionExtract(ST_MakeValid(geom), ST_Dimension(geom) + 1) AS geom
  FROM import_stage
  WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom) AND NOT ST_IsValid(geom)) fixed
WHERE p.id = :park_id AND fixed.n = s.n;
