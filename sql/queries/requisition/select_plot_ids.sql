-- name: select_plot_ids(park_id, project_id, zone, polygon, codes)
-- The plots of a park chosen one way: by project, by zone code, by a drawn polygon
-- (GeoJSON in lon/lat; a plot is chosen when more than half of it lies inside) or by
-- a list of codes.
SELECT p.id, p.code FROM plots p
WHERE p.park_id = :park_id
  AND (:project_id::int IS NULL
       OR p.id IN (SELECT plot_id FROM project_plots WHERE project_id = :project_id))
  AND (:zone::text IS NULL
       OR p.zone_id IN (SELECT id FROM zones WHERE park_id = :park_id AND code = :zone))
  AND (:codes::text[] IS NULL OR p.code IN (SELECT unnest(:codes::text[])))
  AND (:polygon::text IS NULL OR (
       ST_Intersects(p.geom, ST_SetSRID(ST_GeomFromGeoJSON(:polygon), 4490))
       AND ST_Area(ST_Intersection(p.geom_gk, ST_Transform(
             ST_SetSRID(ST_GeomFromGeoJSON(:polygon), 4490), ST_SRID(p.geom_gk))))
           > p.area_m2 / 2))
ORDER BY p.code;
