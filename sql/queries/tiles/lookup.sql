-- name: lookup(code, layer, variant, z, x, y, as_of)^
-- A tile's park (id, code, its data version), the day its plots are evaluated as of (the
-- park's today when none is asked for) and the tile kept for both (NULL when none).
SELECT p.id, p.code, p.data_version AS version, d.day, c.tile
FROM parks p
CROSS JOIN LATERAL (SELECT coalesce(:as_of::date, park_today(p.id)) AS day) d
LEFT JOIN tile_cache c ON c.park_id = p.id AND c.data_version = p.data_version
  AND c.layer = :layer AND c.variant = :variant AND c.z = :z AND c.x = :x AND c.y = :y
  AND c.as_of = d.day
WHERE p.code = :code;
