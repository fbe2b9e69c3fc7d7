-- name: insert_park(code, name, name_en, gk_zone, settings)$
-- Create a park; its settings start from the defaults with the given overrides merged in.
INSERT INTO parks (code, name, name_en, gk_zone, settings)
VALUES (:code, :name, :name_en, :gk_zone,
        jsonb_deep_merge(park_default_settings(), :settings::jsonb))
RETURNING id;
