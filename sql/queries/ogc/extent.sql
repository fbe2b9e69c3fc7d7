-- name: extent(park_id)^
-- The extent of the zones and plots of the parks a request reads (one, or every park) in
-- lon/lat (a collection's description; 0.3 s on a park of 100 000 plots).
SELECT ST_XMin(e) AS minx, ST_YMin(e) AS miny, ST_XMax(e) AS maxx, ST_YMax(e) AS maxy
FROM (SELECT ST_Extent(g) AS e FROM (
  SELECT geom AS g FROM zones WHERE :park_id::int IS NULL OR park_id = :park_id
  UNION ALL
  SELECT geom FROM plots WHERE :park_id::int IS NULL OR park_id = :park_id) AS parts) AS x;
