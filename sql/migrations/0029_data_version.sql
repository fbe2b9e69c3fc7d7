-- 0029 data version (issue 14): a per-park number that every change to what the map draws
-- moves on, so a vector tile's URL can carry it (/tiles/<park>/<version>/…) and be cached
-- for good. The triggers that bump it are in sql/source/16_tiles.sql.

ALTER TABLE parks ADD COLUMN IF NOT EXISTS data_version bigint NOT NULL DEFAULT 1;
