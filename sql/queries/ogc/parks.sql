-- name: parks(park_id)
-- The parks a request reads (one, or every park): their Gauss-Krüger CRSs (with and
-- without the zone prefix) and the extent of their zones and plots in lon/lat.
SELECT p.id, p.code, p.gk_epsg, p.gk_epsg_prefixed,
       ST_XMin(e.extent) AS minx, ST_YMin(e.extent) AS miny,
       ST_XMax(e.extent) AS maxx, ST_YMax(e.extent) AS maxy
FROM parks p
LEFT JOIN LATERAL (
  SELECT ST_Extent(g) AS extent FROM (
    SELECT geom AS g FROM zones WHERE park_id = p.id
    UNION ALL SELECT geom FROM plots WHERE park_id = p.id) AS parts
) AS e ON true
WHERE :park_id::int IS NULL OR p.id = :park_id
ORDER BY p.id;
