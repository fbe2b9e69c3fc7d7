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

-- The bulk write this transaction is (a `parkatlas load`, an import run), or NULL for an
-- interactive edit: app.bulk sets parkatlas.bulk_source for the transaction.
CREATE OR REPLACE FUNCTION bulk_source() RETURNS text
LANGUAGE sql STABLE AS $$
SELECT nullif(current_setting('parkatlas.bulk_source', true), '');
$$;

-- A feature's geometry problem or its distance beyond the park's reach, raised with the
-- feature named (set_geom_gk row by row, check_bulk_features for a bulk write's rows).
CREATE OR REPLACE FUNCTION raise_feature_problem(tbl text, r jsonb, problem text, km double precision,
                                                 reach double precision) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF problem IS NOT NULL THEN
    RAISE EXCEPTION '%: %', feature_label(tbl, r), problem USING ERRCODE = 'check_violation';
  END IF;
  -- the words are the application's (app.errors.PROBLEMS): the numbers go as data
  RAISE EXCEPTION '%: outside the park''s reach: % km from the nearest zone of its park (reach % km)',
    feature_label(tbl, r), round(km::numeric, 1), round(reach::numeric / 1000, 1)
    USING ERRCODE = 'check_violation', CONSTRAINT = tbl || '_within_reach',
          DETAIL = jsonb_build_object('code', r ->> 'code', 'name', r ->> 'name',
                                      'km', round(km::numeric, 1),
                                      'reach_km', round(reach::numeric / 1000, 1))::text;
END;
$$;

-- A park's reach in metres (setting location.reach_m).
CREATE OR REPLACE FUNCTION park_reach_m(p parks) RETURNS double precision
LANGUAGE sql STABLE AS $$
SELECT coalesce((p.settings #>> '{location,reach_m}')::float8,
                (park_default_settings() #>> '{location,reach_m}')::float8);
$$;

-- Keep a feature's metric copy (geom_gk) in its park's Gauss-Krüger CRS, so areas and
-- distances never re-project at query time; refuse a bad geometry, naming the feature.
-- A plot, road or network feature must lie within the park's reach (setting
-- location.reach_m, DESIGN §4.9) of one of its zones, when the park has zones: a feature
-- far away is a wrong coordinate system or a wrong park, and its GK area would be off.
-- A bulk write's inserts (bulk_source(), app.bulk) only get their GK copy here: the same
-- checks run once per statement, set-based, in check_bulk_features.
CREATE OR REPLACE FUNCTION set_geom_gk() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  epsg integer;
  reach double precision;
  problem text;
  km double precision;
BEGIN
  IF TG_OP = 'INSERT' AND bulk_source() IS NOT NULL AND NEW.geom IS NOT NULL THEN
    NEW.geom_gk := ST_Transform(NEW.geom, (SELECT p.gk_epsg_prefixed FROM parks p WHERE p.id = NEW.park_id));
    RETURN NEW;
  END IF;
  IF TG_OP = 'INSERT' OR NEW.geom IS DISTINCT FROM OLD.geom
     OR NEW.park_id IS DISTINCT FROM OLD.park_id THEN
    problem := geometry_problem(NEW.geom);
    SELECT p.gk_epsg_prefixed, park_reach_m(p) INTO epsg, reach FROM parks p WHERE p.id = NEW.park_id;
    IF problem IS NULL AND epsg IS NULL THEN
      problem := format('park %s does not exist', NEW.park_id);
    END IF;
    IF problem IS NOT NULL THEN
      PERFORM raise_feature_problem(TG_TABLE_NAME, to_jsonb(NEW) - 'geom' - 'geom_gk', problem, NULL, NULL);
    END IF;
    NEW.geom_gk := ST_Transform(NEW.geom, epsg);
    IF TG_TABLE_NAME IN ('plots', 'roads', 'networks')
       AND EXISTS (SELECT 1 FROM zones z WHERE z.park_id = NEW.park_id)
       AND NOT EXISTS (SELECT 1 FROM zones z WHERE z.park_id = NEW.park_id
                       AND ST_DWithin(z.geom_gk, NEW.geom_gk, reach)) THEN
      SELECT min(ST_Distance(z.geom_gk, NEW.geom_gk)) / 1000 INTO km
      FROM zones z WHERE z.park_id = NEW.park_id;
      PERFORM raise_feature_problem(TG_TABLE_NAME, to_jsonb(NEW) - 'geom' - 'geom_gk', NULL, km, reach);
    END IF;
  END IF;
  RETURN NEW;
END;
$$;

-- The checks of set_geom_gk for a bulk write's inserted rows, once per statement: the
-- first row (by id) with a geometry problem, else the first beyond its park's reach, is
-- refused as set_geom_gk refuses it (a park without zones has no reach to check).
CREATE OR REPLACE FUNCTION check_bulk_features() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE bad record;
BEGIN
  IF bulk_source() IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT n.r, coalesce(geometry_problem(n.geom),
                       CASE WHEN n.geom_gk IS NULL THEN format('park %s does not exist', n.park_id) END) AS problem
    INTO bad
  FROM (SELECT x.id, x.geom, x.geom_gk, x.park_id, to_jsonb(x) - 'geom' - 'geom_gk' AS r FROM new_rows x) n
  WHERE geometry_problem(n.geom) IS NOT NULL OR n.geom_gk IS NULL ORDER BY n.id LIMIT 1;
  IF bad.problem IS NOT NULL THEN
    PERFORM raise_feature_problem(TG_TABLE_NAME, bad.r, bad.problem, NULL, NULL);
  END IF;
  IF TG_TABLE_NAME IN ('plots', 'roads', 'networks') THEN
    EXECUTE $q$
      WITH parks_ AS MATERIALIZED (
        SELECT p.id, park_reach_m(p) AS reach FROM parks p
        WHERE p.id IN (SELECT DISTINCT park_id FROM new_rows)
          AND EXISTS (SELECT 1 FROM zones z WHERE z.park_id = p.id))
      SELECT to_jsonb(n) - 'geom' - 'geom_gk' AS r, k.reach,
             (SELECT min(ST_Distance(z.geom_gk, n.geom_gk)) / 1000 FROM zones z
              WHERE z.park_id = n.park_id) AS km
      FROM new_rows n JOIN parks_ k ON k.id = n.park_id
      WHERE NOT EXISTS (SELECT 1 FROM zones z WHERE z.park_id = n.park_id
                        AND ST_DWithin(z.geom_gk, n.geom_gk, k.reach))
      ORDER BY n.id LIMIT 1$q$ INTO bad;
    IF bad.r IS NOT NULL THEN
      PERFORM raise_feature_problem(TG_TABLE_NAME, bad.r, NULL, bad.km, bad.reach);
    END IF;
  END IF;
  RETURN NULL;
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

-- Not when the update only moves the park's data version on (bump_data_version(),
-- 16_tiles.sql, which sets nothing else): an edit of a plot is no edit of its park.
CREATE OR REPLACE TRIGGER parks_version BEFORE UPDATE ON parks
  FOR EACH ROW WHEN (OLD.data_version = NEW.data_version OR OLD.settings IS DISTINCT FROM NEW.settings)
  EXECUTE FUNCTION bump_version();

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
-- Named to fire first among the statement triggers (by name): before the overlap rule.
CREATE OR REPLACE TRIGGER bulk_check AFTER INSERT ON zones
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION check_bulk_features();
CREATE OR REPLACE TRIGGER bulk_check AFTER INSERT ON plots
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION check_bulk_features();
CREATE OR REPLACE TRIGGER bulk_check AFTER INSERT ON roads
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION check_bulk_features();
CREATE OR REPLACE TRIGGER bulk_check AFTER INSERT ON networks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION check_bulk_features();
CREATE OR REPLACE TRIGGER bulk_check AFTER INSERT ON price_zones
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION check_bulk_features();

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
