-- name: save_mapping(park_id, layer, name, mapping, saved_by)^
-- Save a park's named field mapping of a layer, replacing one of the same name.
INSERT INTO import_mappings (park_id, layer, name, mapping, saved_by)
VALUES (:park_id, :layer, :name, :mapping::jsonb, :saved_by)
ON CONFLICT (park_id, layer, name)
DO UPDATE SET mapping = EXCLUDED.mapping, saved_by = EXCLUDED.saved_by, saved_at = now()
RETURNING id, name, layer, mapping, saved_by, saved_at;
