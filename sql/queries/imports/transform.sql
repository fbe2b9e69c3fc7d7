-- name: transform(park_id, srid)!
-- The features as read, staged in CGCS2000 (EPSG:4490) and the park's GK CRS, in 2D: one
-- INSERT from the COPY's table (OFFSET 0: the 4490 geometry is made once per feature, not
-- again inside the GK transform).
INSERT INTO import_stage (n, code, vals, declared_m2, geom, geom_gk, place, layer)
SELECT r.n, r.code, r.vals, r.declared_m2, g.geom, ST_Transform(g.geom, p.gk_epsg_prefixed),
       r.place, r.layer
FROM import_read r
JOIN parks p ON p.id = :park_id
CROSS JOIN LATERAL (
  SELECT ST_Transform(ST_SetSRID(ST_Force2D(ST_GeomFromWKB(r.wkb)), :srid), 4490) AS geom
  OFFSET 0) g
ORDER BY r.n;
