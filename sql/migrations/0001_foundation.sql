-- 0001 foundation: extensions, the park table, park settings and geometry checks.
-- Every file in sql/migrations is idempotent (IF NOT EXISTS / CREATE OR REPLACE), so
-- re-applying one is harmless; app/migrations.py records which versions ran.

CREATE EXTENSION IF NOT EXISTS postgis;

-- The defaults of every threshold of DESIGN §4. A park stores its own full copy in
-- parks.settings; park_settings() merges it over these so keys added later still resolve.
CREATE OR REPLACE FUNCTION park_default_settings() RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT jsonb_build_object(
  'idle', jsonb_build_object(
    'idle_after_years', 1,            -- type A: not started one year after the agreed start
    'reclaim_after_years', 2,         -- reclaim free of charge after two years
    'idle_fee_share', 0.20,           -- idle fee: 20% of the land price
    'warning_days', 90,               -- early warning before the 1- and 2-year marks
    'developed_share_min', 1.0/3,     -- type B: developed area below 1/3 ...
    'investment_share_min', 0.25,     -- ... or investment below 25% ...
    'suspension_years', 1),           -- ... and suspended for a year
  'low_efficiency', jsonb_build_object(
    'investment_intensity_min', 200,  -- 万元/亩
    'building_coefficient_min', 0.30,
    'admin_living_share_max', 0.07,
    'tax_per_mu_min', 15,             -- 万元/亩
    'high_floor_m', 8,                -- floors higher than this count twice in the plot ratio
    'uses', jsonb_build_array('1001', '1101'),
    -- the edition of GB/T 4754 that projects' industry codes follow ('2017' or '2002');
    -- plot_ratio_min below is keyed by the 2002 divisions of the 2008 control indicators
    'industry_code_edition', '2017',
    'plot_ratio_min', jsonb_build_object(
      '13', 1.0, '14', 1.0, '15', 1.0, '16', 1.0, '18', 1.0, '19', 1.0, '24', 1.0,
      '30', 1.0, '40', 1.0, '41', 1.0, '42', 1.0,
      '17', 0.8, '20', 0.8, '21', 0.8, '22', 0.8, '23', 0.8, '28', 0.8, '29', 0.8,
      '27', 0.7, '31', 0.7, '34', 0.7, '35', 0.7, '36', 0.7, '37', 0.7, '39', 0.7, '43', 0.7,
      '26', 0.6, '32', 0.6, '33', 0.6,
      '25', 0.5)),
  'conflicts', jsonb_build_object(
    'project_uses', jsonb_build_array('1001', '1101')),
  'readiness', jsonb_build_object(
    'service_distance_m', jsonb_build_object(
      'road', 30, 'water', 50, 'drainage', 50, 'power', 50,
      'telecom', 50, 'gas', 50, 'heat', 50)),
  'projects', jsonb_build_object(
    'behind_schedule_points', 10)
);
$$;

-- Merge b over a, recursing into objects, so a park overriding one nested key keeps the rest.
CREATE OR REPLACE FUNCTION jsonb_deep_merge(a jsonb, b jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE
  WHEN jsonb_typeof(a) = 'object' AND jsonb_typeof(b) = 'object' THEN (
    SELECT coalesce(jsonb_object_agg(k, CASE
             WHEN a ? k AND b ? k THEN jsonb_deep_merge(a -> k, b -> k)
             WHEN b ? k THEN b -> k ELSE a -> k END), '{}'::jsonb)
    FROM (SELECT jsonb_object_keys(a) UNION SELECT jsonb_object_keys(b)) AS keys(k))
  ELSE coalesce(b, a) END;
$$;

CREATE TABLE IF NOT EXISTS parks (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code text NOT NULL UNIQUE CONSTRAINT parks_code_format CHECK (code ~ '^[A-Za-z0-9_-]{1,32}$'),
  name text NOT NULL CHECK (btrim(name) <> ''),
  name_en text,
  -- CGCS2000 3-degree Gauss-Krüger zone of the park (DESIGN §3); all areas use it.
  gk_zone integer NOT NULL CONSTRAINT parks_gk_zone_range CHECK (gk_zone BETWEEN 25 AND 45),
  gk_epsg integer GENERATED ALWAYS AS (4534 + gk_zone - 25) STORED,
  gk_epsg_prefixed integer GENERATED ALWAYS AS (4513 + gk_zone - 25) STORED,
  settings jsonb NOT NULL DEFAULT park_default_settings()
    CONSTRAINT parks_settings_object CHECK (jsonb_typeof(settings) = 'object'),
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The park's settings with the defaults filled in.
CREATE OR REPLACE FUNCTION park_settings(p_park_id integer) RETURNS jsonb
LANGUAGE sql STABLE AS $$
SELECT jsonb_deep_merge(park_default_settings(), settings) FROM parks WHERE id = p_park_id;
$$;

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
CREATE OR REPLACE FUNCTION set_geom_gk() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  epsg integer;
  problem text;
BEGIN
  IF TG_OP = 'INSERT' OR NEW.geom IS DISTINCT FROM OLD.geom
     OR NEW.park_id IS DISTINCT FROM OLD.park_id THEN
    problem := geometry_problem(NEW.geom);
    SELECT gk_epsg INTO epsg FROM parks WHERE id = NEW.park_id;
    IF problem IS NULL AND epsg IS NULL THEN
      problem := format('park %s does not exist', NEW.park_id);
    END IF;
    IF problem IS NOT NULL THEN
      RAISE EXCEPTION '%: %', feature_label(TG_TABLE_NAME, to_jsonb(NEW) - 'geom' - 'geom_gk'),
        problem USING ERRCODE = 'check_violation';
    END IF;
    NEW.geom_gk := ST_Transform(NEW.geom, epsg);
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
