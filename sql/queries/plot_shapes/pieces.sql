-- name: pieces(id, line)
-- The pieces a line (GeoJSON, lon/lat) cuts a plot into, north-west first, with their GK
-- areas, in lon/lat.
SELECT s.n, ST_AsGeoJSON(ST_Transform(s.geom_gk, 4490), 9)::jsonb AS geometry, s.area_m2
FROM split_pieces(:id, ST_GeomFromGeoJSON(:line::text)) s ORDER BY s.n;
