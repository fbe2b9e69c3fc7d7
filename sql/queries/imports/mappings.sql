-- name: mappings(park_id, layer)
-- A park's saved mappings of a layer, the newest first.
SELECT id, name, layer, mapping, saved_by, saved_at FROM import_mappings
WHERE park_id = :park_id AND layer = :layer ORDER BY saved_at DESC, name;
