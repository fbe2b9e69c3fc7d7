-- Every feature table: the metric GK copy of its geometry, checked on the way in, and
-- the row version of optimistic concurrency.

-- What is wrong with a geometry for ParkAtlas, or NULL when nothing is: missing, empty,
-- outside China (which is also what swapped latitude/longitude look like) or invalid.
-- A wrong SRID is already refused by the columns' typmod.
CREATE OR REPLACE FUNCTION geometry_problem(g geometry) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE
  WHEN g IS NULL THEN 'geometry is missing'
  WHEN ST_IsEmpty(g) THEN 'geometry is empty'
  WHEN ST_XMin(g) < 73 OR ST_XMax(g) > 135.1 OR ST_YMin(g) < 3 OR ST_YMax(g) > 54 THEN
    format('coordinates outside China (longitude 73–135.1, latitude 3–54): bounding box %s %s %s %s'
           ' (coordinates must be CGCS2000 longitude, latitude)',
           round(ST_XMin(g)::numeric, 6), round(ST_YMin(g)::numeric, 6),
           round(ST_XMax(g)::numeric, 6), round(ST_YMax(g)::numeric, 6))
  WHEN NOT ST_IsValid(g) THEN 'invalid geometry: ' || ST_IsValidReason(g)
END;
$$;

-- Keep a feature's metric copy (geom_gk) in its park's Gauss-Krüger CRS, so areas and
-- distances never re-project at query time; refuse a bad geometry, naming the feature.
-- A plot, road or network feature must lie within the park's reach (setting
-- location.reach_m, DESIGN §4.9) of one of its zones, when the park has zones: a feature
-- far away is a wrong coordinate system or a wrong park, and its GK area would be off.
CREATE OR REPLACE FUNCTION set_geom_gk() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  epsg integer;
  reach double precision;
  problem text;
  km double precision;
BEGIN
  IF TG_OP = 'INSERT' OR NEW.geom IS DISTINCT FROM OLD.geom
     OR NEW.park_id IS DISTINCT FROM OLD.park_id THEN
    problem := geometry_problem(NEW.geom);
    SELECT p.gk_epsg_prefixed, coalesce((p.settings #>> '{location,reach_m}')::float8,
                                        (park_default_settings() #>> '{location,reach_m}')::float8)
      INTO epsg, reach FROM parks p WHERE p.id = NEW.park_id;
    IF problem IS NULL AND epsg IS NULL THEN
      problem := format('park %s does not exist', NEW.park_id);
    END IF;
    IF problem IS NOT NULL THEN
      RAISE EXCEPTION '%: %', feature_label(TG_TABLE_NAME, to_jsonb(NEW) - 'geom' - 'geom_gk'),
        problem USING ERRCODE = 'check_violation';
    END IF;
    NEW.geom_gk := ST_Transform(NEW.geom, epsg);
    IF TG_TABLE_NAME IN ('plots', 'roads', 'networks')
       AND EXISTS (SELECT 1 FROM zones z WHERE z.park_id = NEW.park_id)
       AND NOT EXISTS (SELECT 1 FROM zones z WHERE z.park_id = NEW.park_id
                       AND ST_DWithin(z.geom_gk, NEW.geom_gk, reach)) THEN
      SELECT min(ST_Distance(z.geom_gk, NEW.geom_gk)) / 1000 INTO km
      FROM zones z WHERE z.park_id = NEW.park_id;
      -- the words are the application's (app.errors.PROBLEMS): the numbers go as data
      RAISE EXCEPTION '%: outside the park''s reach: % km from the nearest zone of its park (reach % km)',
        feature_label(TG_TABLE_NAME, to_jsonb(NEW) - 'geom' - 'geom_gk'), round(km::numeric, 1),
        round(reach::numeric / 1000, 1)
        USING ERRCODE = 'check_violation', CONSTRAINT = TG_TABLE_NAME || '_within_reach',
              DETAIL = jsonb_build_object('code', to_jsonb(NEW) ->> 'code',
                                          'name', to_jsonb(NEW) ->> 'name',
                                          'km', round(km::numeric, 1),
                                          'reach_km', round(reach::numeric / 1000, 1))::text;
    END IF;
  END IF;
  RETURN NEW;
END;
$$;

-- How an error message names a feature: its kind (the table, singular), code and name.
CREATE OR REPLACE FUNCTION feature_label(tbl text, r jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
SELECT concat_ws(' ', regexp_replace(tbl, 's$', ''), r ->> 'code', r ->> 'name');
$$;

-- Optimistic concurrency: every update bumps the row version; writers send the version
-- they read and the UPDATE matches it, so a concurrent edit is a conflict, not an overwrite.
CREATE OR REPLACE FUNCTION bump_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := OLD.version + 1;
  RETURN NEW;
END;
$$;

CREATE OR REPLACE TRIGGER parks_version BEFORE UPDATE ON parks
  FOR EACH ROW EXECUTE FUNCTION bump_version();

-- Every feature table keeps its GK copy and its row version.
CREATE OR REPLACE TRIGGER zones_geom_gk BEFORE INSERT OR UPDATE ON zones
  FOR EACH ROW EXECUTE FUNCTION set_geom_gk();
CREATE OR REPLACE TRIGGER plots_geom_gk BEFORE INSERT OR UPDATE ON plots
  FOR EACH ROW EXECUTE FUNCTION set_geom_gk();
CREATE OR REPLACE TRIGGER roads_geom_gk BEFORE INSERT OR UPDATE ON roads
  FOR EACH ROW EXECUTE FUNCTION set_geom_gk();
CREATE OR REPLACE TRIGGER networks_geom_gk BEFORE INSERT OR UPDATE ON networks
  FOR EACH ROW EXECUTE FUNCTION set_geom_gk();
CREATE OR REPLACE TRIGGER price_zones_geom_gk BEFORE INSERT OR UPDATE ON price_zones
  FOR EACH ROW EXECUTE FUNCTION set_geom_gk();

CREATE OR REPLACE TRIGGER zones_version BEFORE UPDATE ON zones
  FOR EACH ROW EXECUTE FUNCTION bump_version();
CREATE OR REPLACE TRIGGER plots_version BEFORE UPDATE ON plots
  FOR EACH ROW EXECUTE FUNCTION bump_version();
CREATE OR REPLACE TRIGGER roads_version BEFORE UPDATE ON roads
  FOR EACH ROW EXECUTE FUNCTION bump_version();
CREATE OR REPLACE TRIGGER networks_version BEFORE UPDATE ON networks
  FOR EACH ROW EXECUTE FUNCTION bump_version();
CREATE OR REPLACE TRIGGER price_zones_version BEFORE UPDATE ON price_zones
  FOR EACH ROW EXECUTE FUNCTION bump_version();

CREATE OR REPLACE TRIGGER projects_version BEFORE UPDATE ON projects
  FOR EACH ROW EXECUTE FUNCTION bump_version();
CREATE OR REPLACE TRIGGER milestones_version BEFORE UPDATE ON milestones
  FOR EACH ROW EXECUTE FUNCTION bump_version();

CREATE OR REPLACE TRIGGER compensation_rates_version BEFORE UPDATE ON compensation_rates
  FOR EACH ROW EXECUTE FUNCTION bump_version();
CREATE OR REPLACE TRIGGER requisition_plans_version BEFORE UPDATE ON requisition_plans
  FOR EACH ROW EXECUTE FUNCTION bump_version();

CREATE OR REPLACE TRIGGER users_version BEFORE UPDATE ON users
  FOR EACH ROW EXECUTE FUNCTION bump_version();
