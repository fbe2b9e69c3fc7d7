-- 0014 plausible values: the database refuses what the API schema and the loader refuse, so
-- that no path (a script, psql, a future route) can store a value that later breaks the
-- rules, the pages or the exports (issue 9).
--
-- * Numbers finite and within sane bounds: double precision and numeric both accept
--   'Infinity' and 'NaN', and 'NaN' passes every ">= 0" check (it sorts above all numbers).
--   BETWEEN refuses both. Money ≤ 1e12 万元, areas ≤ 1e9 m², widths ≤ 500 m, rates
--   < 1e12 元 (what their numeric(14,2) holds, as the rate edit says).
-- * Text lengths: names 100 characters, codes 50, notes 2000 (a 50 MB plot name was stored
--   and then sent with every map load).
-- * Names and codes hold no comma, line break, tab or other control character (the 报批坐标
--   TXT and other exchange formats split on them: _plain); the names of people, companies
--   and owners may hold commas ("Co., Ltd.") but stay on one line (_line); notes may hold
--   line breaks and tabs, no other control character (_printable).
--
-- Each CHECK is named <table>_<column>_<kind>; app/errors.py maps every one of them to a
-- message naming the field. Idempotent, as every migration is.

DO $$
DECLARE
  c record;
  plain constant text := '[,\u0001-\u001f\u007f-\u009f\u2028\u2029]';
  line constant text := '[\u0001-\u001f\u007f-\u009f\u2028\u2029]';
  printable constant text := '[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]';
BEGIN
  FOR c IN
    WITH spec (tab, kind, cols) AS (VALUES
      ('plots', 'money', '{land_price,planned_investment,actual_investment,annual_tax,annual_output}'::text[]),
      ('plots', 'area', '{house_floor_area_m2,planned_floor_area_m2,floor_area_m2,high_floor_area_m2,building_footprint_m2,structure_footprint_m2,open_storage_m2,admin_living_area_m2,developed_area_m2}'),
      ('plots', 'name', '{name}'),
      ('plots', 'code', '{code,price_zone}'),
      ('plots', 'person', '{owner}'),
      ('plots', 'note', '{government_cause_note,disposal_note}'),
      ('parks', 'name', '{name,name_en}'),
      ('zones', 'name', '{name,name_en}'),
      ('zones', 'code', '{code}'),
      ('price_zones', 'name', '{name}'),
      ('price_zones', 'code', '{code}'),
      ('roads', 'name', '{name}'),
      ('roads', 'width', '{width_m}'),
      ('networks', 'name', '{name}'),
      ('networks', 'code', '{subtype}'),
      ('projects', 'name', '{name}'),
      ('projects', 'code', '{code}'),
      ('projects', 'person', '{company,leader,service_official}'),
      ('projects', 'money', '{planned_investment,completed_investment}'),
      ('project_plots', 'area', '{claimed_area_m2}'),
      ('progress_reports', 'money', '{investment_done}'),
      ('progress_reports', 'note', '{note}'),
      ('compensation_rates', 'code', '{price_zone}'),
      ('compensation_rates', 'rate', '{land_price_yuan_mu,crop_yuan_mu,special_crop_yuan_mu,house_yuan_m2,social_security_yuan_mu}'),
      ('requisition_plans', 'name', '{name}')),
    checks (kind, suffix, expr) AS (VALUES
      ('money', 'range', '%1$I BETWEEN 0 AND 1e12'),
      ('area', 'range', '%1$I BETWEEN 0 AND 1e9'),
      ('rate', 'range', '%1$I BETWEEN 0 AND 999999999999.99'),
      ('width', 'range', '%1$I BETWEEN 0 AND 500'),
      ('name', 'length', 'char_length(%1$I) <= 100'),
      ('name', 'plain', '%1$I !~ %2$L'),
      ('code', 'length', 'char_length(%1$I) <= 50'),
      ('code', 'plain', '%1$I !~ %2$L'),
      ('person', 'length', 'char_length(%1$I) <= 100'),
      ('person', 'line', '%1$I !~ %3$L'),
      ('note', 'length', 'char_length(%1$I) <= 2000'),
      ('note', 'printable', '%1$I !~ %4$L'))
    SELECT s.tab, s.tab || '_' || col || '_' || k.suffix AS name,
           format(k.expr, col, plain, line, printable) AS expr
    FROM spec s CROSS JOIN LATERAL unnest(s.cols) AS col JOIN checks k USING (kind)
    UNION ALL VALUES
      -- lists of codes: GB/T 4754 industries of a zone; a project's tags (key-list marks)
      ('zones', 'zones_admitted_industries_format',
       $c$cardinality(admitted_industries) <= 100 AND array_position(admitted_industries, NULL) IS NULL
          AND array_to_string(admitted_industries, '|') ~ '^([0-9]{2,4}(\||$))*$'$c$),
      ('projects', 'projects_tags_format',
       $c$cardinality(tags) <= 20 AND array_position(tags, NULL) IS NULL
          AND array_to_string(tags, '|') ~ '^([A-Za-z0-9_-]{1,50}(\||$))*$'$c$)
  LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_constraint
                   WHERE conrelid = c.tab::regclass AND conname = c.name) THEN
      EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (%s)', c.tab, c.name, c.expr);
    END IF;
  END LOOP;
END $$;
