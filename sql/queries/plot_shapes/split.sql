-- name: pieces(id, line)
-- The pieces a line (GeoJSON, lon/lat) cuts a plot into, north-west first, with their GK
-- areas, in lon/lat.
SELECT s.n, ST_AsGeoJSON(ST_Transform(s.geom_gk, 4490), 9)::jsonb AS geometry, s.area_m2
FROM split_pieces(:id, ST_GeomFromGeoJSON(:line::text)) s ORDER BY s.n;

-- name: split(id, line, codes)$
-- Split a plot with a line into pieces coded `codes` (in the pieces' order); the ids of
-- the children.
SELECT split_plot(:id, ST_GeomFromGeoJSON(:line::text), :codes::text[]);

-- name: merge(ids, code)$
-- Merge adjacent plots into one coded `code`; its id.
SELECT merge_plots(:ids::integer[], :code);

-- name: delete(id, reason)$
-- Retire a plot with the reason for deleting it.
SELECT delete_plot(:id, :reason) IS NULL;
