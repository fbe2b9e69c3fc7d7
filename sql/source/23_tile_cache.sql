-- Kept vector tiles (tile_cache, migration 0035; app/tiles/cache.py) are keyed by the park's
-- data version, which every edit of a park's data moves on. The reference tables the rules
-- read (industries, planned_uses) are no park's data and have no version: a change to them
-- forgets every kept tile; so does every upgrade (this file is re-applied by each: the rules
-- that colour the plots may have changed).
CREATE OR REPLACE FUNCTION forget_tiles() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM tile_cache;
  RETURN NULL;
END;
$$;
CREATE OR REPLACE TRIGGER forget_tiles AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON industries FOR EACH STATEMENT EXECUTE FUNCTION forget_tiles();
CREATE OR REPLACE TRIGGER forget_tiles AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON planned_uses FOR EACH STATEMENT EXECUTE FUNCTION forget_tiles();
DELETE FROM tile_cache;
