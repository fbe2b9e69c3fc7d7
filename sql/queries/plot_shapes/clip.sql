-- name: clip(park_id, geometry, except_ids)^
-- A geometry clipped to its neighbours (ST_Difference in GK), its GK area, and what it
-- still overlaps beyond the tolerance (nothing, unless the plots in except_ids do).
WITH c AS (SELECT clip_to_neighbours(:park_id, ST_GeomFromGeoJSON(:geometry::text),
                                     :except_ids::integer[]) AS geom)
SELECT ST_AsGeoJSON(c.geom, 9)::jsonb AS geometry,
       ST_Area(ST_Transform(c.geom, pk.gk_epsg_prefixed)) AS area_m2
FROM c JOIN parks pk ON pk.id = :park_id;
