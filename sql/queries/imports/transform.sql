-- name: transform(park_id, srid)!
-- Geometries from the file's CRS to CGCS2000 (EPSG:4490) and the park's GK CRS, in 2D.
UPDATE import_stage s SET geom = g.geom, geom_gk = ST_Transform(g.geom, p.gk_epsg_prefixed)
FROM parks p, (
  SELECT n, ST_Transform(ST_SetSRID(ST_Force2D(ST_GeomFromWKB(wkb)), :srid), 4490) AS geom
  FROM import_stage WHERE wkb IS NOT NULL) g
WHERE p.id = :park_id AND g.n = s.n;
