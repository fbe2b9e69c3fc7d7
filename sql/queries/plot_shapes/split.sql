-- name: split(id, line, codes)$
-- Split a plot with a line into pieces coded `codes` (in the pieces' order); the ids of
-- the children.
SELECT split_plot(:id, ST_GeomFromGeoJSON(:line::text), :codes::text[]);
