-- 0035 tile cache (issue 14): vector tiles kept once made, per park, data version, layer,
-- the reader's variant of it, address and date. parks.data_version (0029) moves on with
-- every edit a tile can show, and it is part of the key, so a kept tile of an older version
-- is never read again (older versions are deleted as new tiles are kept; app/tiles/cache.py).
-- UNLOGGED: a cache is cheap to lose (a crash empties it) and its writes need no WAL.

CREATE UNLOGGED TABLE IF NOT EXISTS tile_cache (
  park_id integer NOT NULL REFERENCES parks (id) ON DELETE CASCADE,
  data_version bigint NOT NULL,
  layer text NOT NULL,
  variant text NOT NULL,
  z smallint NOT NULL,
  x integer NOT NULL,
  y integer NOT NULL,
  -- the date the tile's plots were evaluated as of (the park's today when not asked)
  as_of date NOT NULL,
  tile bytea NOT NULL,
  bytes integer NOT NULL,
  made_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (park_id, data_version, layer, variant, z, x, y, as_of)
);
