-- name: get(id)^
-- One plot with every stored attribute besides its summary properties.
SELECT f.id, ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Transform(f.geom, 4326)), 9)::json AS geometry,
       (to_jsonb(p) - 'geom' - 'geom_gk') || f.properties AS properties
FROM plot_features f JOIN plots p ON p.id = f.id
WHERE f.id = :id;
