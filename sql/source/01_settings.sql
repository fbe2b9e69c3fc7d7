-- Park settings: the defaults of every threshold of DESIGN §4, and a park's own values
-- merged over them.

-- The time zone of a park without one: "today" for the rules, pages and exports is the date
-- in this time zone (IANA name).
CREATE OR REPLACE FUNCTION park_default_timezone() RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 'Asia/Shanghai' $$;

-- The defaults of every threshold of DESIGN §4. A park stores its own full copy in
-- parks.settings; park_settings() merges it over these so keys added later still resolve.
-- PL/pgSQL, not SQL: the planner folds an immutable call into a constant whenever it plans
-- a query that calls it, and a SQL function's body is parsed and planned again each time
-- (0.3-0.4 ms for this object, in every plan that reads a setting); PL/pgSQL keeps the
-- parsed expression for the session (the pooled connection's life).
CREATE OR REPLACE FUNCTION park_default_settings() RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
RETURN jsonb_build_object(
  'timezone', park_default_timezone(),
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
    -- use conflict (DESIGN §4.9): the planned uses (code prefixes) a group of project
    -- industries (GB/T 4754-2017 divisions) needs; an industry in no group has no rule
    'industry_uses', jsonb_build_object(
      'manufacturing', jsonb_build_object(
        'industries', to_jsonb(ARRAY(SELECT g::text FROM generate_series(13, 43) g)),
        'uses', jsonb_build_array('1001', '1101')),
      'logistics', jsonb_build_object(
        'industries', jsonb_build_array('59', '60'), 'uses', jsonb_build_array('1001', '1101')),
      'trade', jsonb_build_object(
        'industries', jsonb_build_array('51', '52'), 'uses', jsonb_build_array('09')),
      'accommodation_catering', jsonb_build_object(
        'industries', jsonb_build_array('61', '62'), 'uses', jsonb_build_array('09')),
      'services', jsonb_build_object(
        'industries', to_jsonb(ARRAY(SELECT g::text FROM generate_series(66, 75) g)),
        'uses', jsonb_build_array('09')))),
  -- park indicators (DESIGN §4.6): the planned uses whose built land is industrial land
  -- (工业用地率 counts industrial and storage land, GB/T 21010 1001 and 1101)
  'indicators', jsonb_build_object('industrial_uses', jsonb_build_array('1001', '1101')),
  'readiness', jsonb_build_object(
    'service_distance_m', jsonb_build_object(
      'road', 30, 'water', 50, 'drainage', 50, 'power', 50,
      'telecom', 50, 'gas', 50, 'heat', 50)),
  -- a plot, road or network feature lies within this distance of one of its park's zones
  'location', jsonb_build_object('reach_m', 20000),
  -- a new or reshaped plot may overlap another live plot of the park by at most this
  -- much (m², GK): drawing and coordinate rounding leave slivers, more is an error
  'editing', jsonb_build_object('max_overlap_m2', 1),
  -- 界址点 of requisition plans (TD/T 1008): numbered once per plan, a corner shared by
  -- plots one number ('plan'), or J1 afresh per plot ('plot'); the 界址点成果表's marker
  -- type, boundary-line category and position (app/labels.py), by default those of a
  -- plan not yet staked out: no marker, a straight line between two points, its middle;
  -- and the survey precision (metres) the 报批坐标 TXT states in its 精度 header: how exact
  -- the boundary survey is, not how many decimals the coordinates are written with
  'survey', jsonb_build_object(
    'point_numbering', 'plan', 'marker_type', 'none', 'line_category', 'two_point',
    'line_position', 'middle', 'precision', '0.05'),
  'projects', jsonb_build_object(
    'behind_schedule_points', 10),
  -- what the read-only staff role (viewer) may read: compensation amounts, rates and
  -- per-village amounts of approved requisition plans only when true (issue 9)
  'access', jsonb_build_object('viewer_sees_money', false),
  -- an imported file's features must land within this distance (km) of the park's zones
  -- in the CRS it declares or one of its candidates, else it is refused (issue 13)
  'import', jsonb_build_object('max_km_from_park', 20)
);
END
$$;

-- Merge b over a, recursing into objects, so a park overriding one nested key keeps the rest.
-- PL/pgSQL, not SQL: a recursive SQL function is planned anew on every call (5 ms a merge
-- of the settings, which park_today() and the rules call per row).
CREATE OR REPLACE FUNCTION jsonb_deep_merge(a jsonb, b jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  k text;
  v jsonb;
  merged jsonb := a;
BEGIN
  IF a IS NULL OR b IS NULL OR jsonb_typeof(a) <> 'object' OR jsonb_typeof(b) <> 'object' THEN
    RETURN coalesce(b, a);
  END IF;
  FOR k, v IN SELECT e.key, e.value FROM jsonb_each(b) e LOOP
    merged := jsonb_set(merged, ARRAY[k], CASE WHEN a ? k THEN jsonb_deep_merge(a -> k, v) ELSE v END);
  END LOOP;
  RETURN merged;
END;
$$;

-- The park's settings with the defaults filled in.
CREATE OR REPLACE FUNCTION park_settings(p_park_id integer) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT jsonb_deep_merge(park_default_settings(), settings) FROM parks WHERE id = p_park_id;
$$;

-- The survey settings (界址点, app/plan_result.Survey) take a value of their vocabulary
-- (the names are app/labels.py's), checked when a park's settings are written: a park's
-- settings refused here name the setting (app.errors.PROBLEMS parks_survey_settings).
-- Other keys under survey are left to their own checks. The same trigger checks the
-- import settings (issue 13).
CREATE OR REPLACE FUNCTION check_survey_settings() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  allowed CONSTANT jsonb := jsonb_build_object(
    'point_numbering', jsonb_build_array('plan', 'plot'),
    'marker_type', jsonb_build_array('steel_nail', 'concrete_pile', 'lime_pile', 'paint',
                                     'porcelain', 'none'),
    'line_category', jsonb_build_array('wall', 'building_wall', 'fence', 'wire_fence',
                                       'drip_line', 'kerb', 'two_point'),
    'line_position', jsonb_build_array('inside', 'middle', 'outside'));
  survey jsonb := NEW.settings -> 'survey';
  k text;
  max_km jsonb := NEW.settings #> '{import,max_km_from_park}';
BEGIN
  -- and (issue 13) import.max_km_from_park: a number of km > 0 (PROBLEMS parks_import_settings)
  IF (NEW.settings ? 'import' AND jsonb_typeof(NEW.settings -> 'import') <> 'object')
     OR (max_km IS NOT NULL AND (jsonb_typeof(max_km) <> 'number' OR max_km::numeric <= 0)) THEN
    RAISE EXCEPTION 'park setting import.max_km_from_park is %', coalesce(max_km, NEW.settings -> 'import')
      USING ERRCODE = 'check_violation', CONSTRAINT = 'parks_import_settings',
            DETAIL = jsonb_build_object('code', NEW.code, 'setting', 'import.max_km_from_park',
                                        'value', coalesce(max_km, NEW.settings -> 'import')::text)::text;
  END IF;
  IF survey IS NULL THEN
    RETURN NEW;
  END IF;
  FOR k IN SELECT jsonb_object_keys(allowed) LOOP
    IF jsonb_typeof(survey) <> 'object'
       OR (survey ? k AND NOT (allowed -> k) @> jsonb_build_array(survey -> k)) THEN
      -- the words are the application's (app.errors.PROBLEMS): the values go as data
      RAISE EXCEPTION 'park setting survey.% is %', k, coalesce(survey -> k, survey)
        USING ERRCODE = 'check_violation', CONSTRAINT = 'parks_survey_settings',
              DETAIL = jsonb_build_object(
                'code', NEW.code, 'setting', 'survey.' || k,
                'value', coalesce(survey -> k, survey)::text,
                'known', (SELECT string_agg(v, ', ') FROM jsonb_array_elements_text(allowed -> k) v)
              )::text;
    END IF;
  END LOOP;
  RETURN NEW;
END;
$$;

CREATE OR REPLACE TRIGGER parks_survey_settings BEFORE INSERT OR UPDATE OF settings ON parks
  FOR EACH ROW EXECUTE FUNCTION check_survey_settings();

-- A park's time zone (setting timezone, DESIGN §4.9 Time; Asia/Shanghai by default).
CREATE OR REPLACE FUNCTION park_timezone(p_park integer) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT coalesce((SELECT settings ->> 'timezone' FROM parks WHERE id = p_park),
                park_default_timezone());
$$;

-- Today for a park: the date in its time zone (setting timezone; DESIGN §4.9 Time), used
-- by the rules, views and queries instead of the session's current_date. The setting
-- parkatlas.now, when a session sets it, stands for the current instant (tests do).
CREATE OR REPLACE FUNCTION park_today(p_park integer) RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT (coalesce(nullif(current_setting('parkatlas.now', true), '')::timestamptz, now())
        AT TIME ZONE park_timezone(p_park))::date;
$$;

-- A new park stores a full copy of the defaults of its day.
ALTER TABLE parks ALTER COLUMN settings SET DEFAULT park_default_settings();
