-- name: park_place(code, id)^
-- Where a park (by code, or by id) is, for placing an imported file: its GK zone, the centre of its zones
-- (else of its plots) in CGCS2000 longitude/latitude, their outline in the park's
-- unprefixed GK CRS (WKB), and how far from it imported features may land (km).
SELECT p.id, p.code, p.gk_zone, p.gk_epsg,
       ST_X(ST_Centroid(ST_Transform(o.outline, 4490))) AS lon,
       ST_Y(ST_Centroid(ST_Transform(o.outline, 4490))) AS lat,
       ST_AsBinary(ST_Transform(o.outline, p.gk_epsg)) AS outline,
       (park_settings(p.id) -> 'import' ->> 'max_km_from_park')::float AS max_km
FROM parks p
LEFT JOIN LATERAL (
  SELECT coalesce((SELECT ST_Union(geom) FROM zones WHERE park_id = p.id),
                  (SELECT ST_SetSRID(ST_Extent(geom)::geometry, 4490) FROM plots
                   WHERE park_id = p.id)) AS outline
) AS o ON true
WHERE p.code = :code OR p.id = :id;
