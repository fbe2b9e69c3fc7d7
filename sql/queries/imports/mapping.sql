-- name: mapping(park_id, layer, name)^
-- One saved mapping by its name.
SELECT id, name, layer, mapping FROM import_mappings
WHERE park_id = :park_id AND layer = :layer AND name = :name;
