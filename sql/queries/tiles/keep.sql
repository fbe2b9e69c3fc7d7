-- name: keep(park_id, version, layer, variant, z, x, y, as_of, tile, limit_bytes)!
-- Keep a tile made from that data version; forget the park's tiles of older versions (never
-- read again: the version is in the key) and, beyond the cache's size bound, the tiles
-- made longest ago.
WITH kept AS (
  INSERT INTO tile_cache (park_id, data_version, layer, variant, z, x, y, as_of, tile, bytes)
  VALUES (:park_id, :version, :layer, :variant, :z, :x, :y, :as_of, :tile, octet_length(:tile))
  ON CONFLICT DO NOTHING),
older AS (
  DELETE FROM tile_cache WHERE park_id = :park_id AND data_version < :version),
made AS (
  SELECT ctid AS row, sum(bytes) OVER (ORDER BY made_at DESC) AS upto FROM tile_cache)
DELETE FROM tile_cache c USING made WHERE c.ctid = made.row AND made.upto > :limit_bytes;
