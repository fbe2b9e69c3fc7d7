-- name: propose(park_id, geometry)^
-- What the form of a drawn plot proposes: a code from the nearest block, the zone it lies
-- in, its GK area and the plots it overlaps beyond the tolerance.
WITH g AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON(:geometry::text), 4490) AS geom),
z AS (SELECT propose_plot_zone(:park_id, g.geom) AS zone_id FROM g)
SELECT propose_plot_code(:park_id, g.geom) AS code, z.zone_id, zo.code AS zone_code,
       zo.name AS zone_name, zo.name_en AS zone_name_en,
       ST_Area(ST_Transform(g.geom, pk.gk_epsg_prefixed)) AS area_m2,
       coalesce((SELECT jsonb_agg(jsonb_build_object('id', o.id, 'code', o.code,
                                                     'area_m2', round(o.area_m2::numeric, 2)))
                 FROM plot_overlaps(:park_id, g.geom, '{}') o), '[]') AS overlaps
FROM g CROSS JOIN z JOIN parks pk ON pk.id = :park_id LEFT JOIN zones zo ON zo.id = z.zone_id;
