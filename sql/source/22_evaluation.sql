-- 亩均效益 evaluation (亩产论英雄, issue 15 item 3): every operating enterprise of a park
-- ranked by tax, output and investment per 亩 for a year, with a weighted score and a
-- class A/B/C/D by park-set score thresholds or by quantiles (settings under
-- "evaluation", merged over evaluation_default_settings()). Kept per year in
-- enterprise_evaluations (migration 0033) by app/evaluation.
--
-- An enterprise is an active project (not negotiating) with its plots operating at the
-- year's end (or today, for the current year), or an operating plot in no active project.
-- Its figures are the sums of its operating plots' annual tax, annual output and actual
-- investment (plots carry them; DESIGN §4.3), each missing (NULL) when none of the plots
-- records it; its area is theirs (GK, plots.area_m2).
--
-- score = 100 × Σ wᵢ·(vᵢ / benchmarkᵢ) / Σ wᵢ over tax, output and investment per 亩, to
-- the hundredth (as shown): a firm exactly at every benchmark scores 100. A firm
-- lacking a weighted figure gets no score and no class (shown as missing, not as 0).
-- thresholds: A if score ≥ thresholds.A, else B if ≥ thresholds.B, else C if ≥
--   thresholds.C, else D.
-- quantiles: with p = (rank − 1) / n, the share of scored firms strictly ahead (rank()
--   by score: ties share a rank, so they share a class), A if p < quantiles.A, else B if
--   p < quantiles.B, else C if p < quantiles.C, else D.

CREATE OR REPLACE FUNCTION evaluation_default_settings() RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT jsonb_build_object(
  'method', 'quantiles',
  'weights', jsonb_build_object('tax_per_mu', 0.5, 'output_per_mu', 0.3,
                                'investment_per_mu', 0.2),
  -- 万元/亩; tax and investment as the low-efficiency minimums (DESIGN §4.3)
  'benchmarks', jsonb_build_object('tax_per_mu', 15, 'output_per_mu', 300,
                                   'investment_per_mu', 200),
  'thresholds', jsonb_build_object('A', 120, 'B', 90, 'C', 60),
  'quantiles', jsonb_build_object('A', 0.2, 'B', 0.5, 'C', 0.8));
$$;

-- A park's evaluation settings with the defaults filled in.
CREATE OR REPLACE FUNCTION evaluation_settings(p_park integer) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT jsonb_deep_merge(evaluation_default_settings(),
                        coalesce((SELECT settings -> 'evaluation' FROM parks WHERE id = p_park),
                                 '{}'::jsonb));
$$;

-- A park's evaluation settings checked when written (app.errors.PROBLEMS
-- parks_evaluation_settings names the setting): method thresholds|quantiles; weights ≥ 0
-- with a positive sum; benchmarks > 0; thresholds A ≥ B ≥ C ≥ 0; quantiles 0 < A ≤ B ≤ C ≤ 1.
CREATE OR REPLACE FUNCTION evaluation_settings_problem(ev jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  merged jsonb;
  k text;
  v jsonb;
  n numeric[];
BEGIN
  IF ev IS NULL THEN
    RETURN NULL;
  END IF;
  IF jsonb_typeof(ev) <> 'object' THEN
    RETURN 'evaluation';
  END IF;
  FOREACH k IN ARRAY ARRAY['weights', 'benchmarks', 'thresholds', 'quantiles'] LOOP
    IF ev ? k AND jsonb_typeof(ev -> k) <> 'object' THEN
      RETURN 'evaluation.' || k;
    END IF;
  END LOOP;
  merged := jsonb_deep_merge(evaluation_default_settings(), ev);
  IF NOT jsonb_build_array('thresholds', 'quantiles') @> jsonb_build_array(merged -> 'method') THEN
    RETURN 'evaluation.method';
  END IF;
  FOR k, v IN SELECT e.key, e.value FROM jsonb_each(merged -> 'weights') e LOOP
    IF jsonb_typeof(v) <> 'number' OR v::numeric < 0 THEN
      RETURN 'evaluation.weights.' || k;
    END IF;
  END LOOP;
  IF (SELECT sum(e.value::numeric) FROM jsonb_each(merged -> 'weights') e) <= 0
     OR EXISTS (SELECT 1 FROM jsonb_object_keys(merged -> 'weights') w
                WHERE w NOT IN ('tax_per_mu', 'output_per_mu', 'investment_per_mu')) THEN
    RETURN 'evaluation.weights';
  END IF;
  FOR k, v IN SELECT e.key, e.value FROM jsonb_each(merged -> 'benchmarks') e LOOP
    IF jsonb_typeof(v) <> 'number' OR v::numeric <= 0 THEN
      RETURN 'evaluation.benchmarks.' || k;
    END IF;
  END LOOP;
  FOREACH k IN ARRAY ARRAY['thresholds', 'quantiles'] LOOP
    IF EXISTS (SELECT 1 FROM jsonb_each(merged -> k) e
               WHERE e.key NOT IN ('A', 'B', 'C') OR jsonb_typeof(e.value) <> 'number') THEN
      RETURN 'evaluation.' || k;
    END IF;
    n := ARRAY[(merged #>> ARRAY[k, 'A'])::numeric, (merged #>> ARRAY[k, 'B'])::numeric,
               (merged #>> ARRAY[k, 'C'])::numeric];
    IF k = 'thresholds' AND NOT (n[1] >= n[2] AND n[2] >= n[3] AND n[3] >= 0) THEN
      RETURN 'evaluation.thresholds';
    END IF;
    IF k = 'quantiles' AND NOT (n[1] > 0 AND n[1] <= n[2] AND n[2] <= n[3] AND n[3] <= 1) THEN
      RETURN 'evaluation.quantiles';
    END IF;
  END LOOP;
  RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION check_evaluation_settings() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  problem text := evaluation_settings_problem(NEW.settings -> 'evaluation');
BEGIN
  IF problem IS NOT NULL THEN
    -- the words are the application's (app.errors.PROBLEMS): the values go as data
    RAISE EXCEPTION 'park setting % is %', problem, NEW.settings -> 'evaluation'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'parks_evaluation_settings',
            DETAIL = jsonb_build_object(
              'code', NEW.code, 'setting', problem,
              'value', coalesce(NEW.settings #> string_to_array(problem, '.'),
                                NEW.settings -> 'evaluation')::text)::text;
  END IF;
  RETURN NEW;
END;
$$;

CREATE OR REPLACE TRIGGER parks_evaluation_settings BEFORE INSERT OR UPDATE OF settings ON parks
  FOR EACH ROW EXECUTE FUNCTION check_evaluation_settings();

-- The evaluation of a park's enterprises for a year (not stored; app/evaluation keeps it).
CREATE OR REPLACE FUNCTION evaluate_enterprises(p_park integer, p_year integer)
RETURNS TABLE (enterprise_key text, project_id integer, plot_ids integer[], code text,
               name text, company text, zone_code text, industry_code text,
               area_m2 double precision, tax double precision, output double precision,
               investment double precision, tax_per_mu double precision,
               output_per_mu double precision, investment_per_mu double precision,
               score double precision, rank integer, class text, method text,
               settings jsonb)
LANGUAGE sql STABLE AS $$
WITH cfg AS (
  SELECT s AS settings, s ->> 'method' AS method, s -> 'weights' AS w, s -> 'benchmarks' AS b,
         s -> 'thresholds' AS t, s -> 'quantiles' AS q,
         least(make_date(p_year, 12, 31), park_today(p_park)) AS d
  FROM evaluation_settings(p_park) s),
operating AS (
  SELECT pl.* FROM cfg, plots pl
  WHERE pl.park_id = p_park AND pl.operating_on <= cfg.d AND plot_stage(pl, cfg.d) = 'operating'),
-- the plot's enterprise: its active project (the first by id when several claim it)
owner AS (
  SELECT DISTINCT ON (pp.plot_id) pp.plot_id, pr.*
  FROM operating o JOIN project_plots pp ON pp.plot_id = o.id
  JOIN projects pr ON pr.id = pp.project_id AND pr.stage <> 'negotiating'
  ORDER BY pp.plot_id, pr.id),
firms AS (
  SELECT CASE WHEN ow.id IS NULL THEN 'plot:' || o.id ELSE 'project:' || ow.id END AS key,
         ow.id AS project_id,
         array_agg(o.id ORDER BY o.code) AS plot_ids,
         coalesce(min(ow.code), min(o.code)) AS code,
         coalesce(min(ow.name), min(o.name)) AS name,
         coalesce(min(ow.company), min(o.land_user)) AS company,
         -- the zone of its largest plot
         (array_agg(z.code ORDER BY o.area_m2 DESC, o.id))[1] AS zone_code,
         min(ow.industry_code) AS industry_code,
         sum(o.area_m2) AS area_m2, sum(o.annual_tax) AS tax, sum(o.annual_output) AS output,
         sum(o.actual_investment) AS investment
  FROM operating o LEFT JOIN owner ow ON ow.plot_id = o.id
  LEFT JOIN zones z ON z.id = o.zone_id
  GROUP BY 1, 2),
per_mu AS (
  SELECT f.*, f.tax / nullif(m2_to_mu(f.area_m2), 0) AS tax_per_mu,
         f.output / nullif(m2_to_mu(f.area_m2), 0) AS output_per_mu,
         f.investment / nullif(m2_to_mu(f.area_m2), 0) AS investment_per_mu
  FROM firms f),
scored AS (
  -- a figure with no weight may be missing without costing the firm its score
  SELECT m.*,
         100 * (wt.t * coalesce(m.tax_per_mu, 0) / (cfg.b ->> 'tax_per_mu')::float8
                + wt.o * coalesce(m.output_per_mu, 0) / (cfg.b ->> 'output_per_mu')::float8
                + wt.i * coalesce(m.investment_per_mu, 0)
                  / (cfg.b ->> 'investment_per_mu')::float8) / (wt.t + wt.o + wt.i) AS raw_score,
         (m.tax_per_mu IS NOT NULL OR wt.t = 0) AND (m.output_per_mu IS NOT NULL OR wt.o = 0)
         AND (m.investment_per_mu IS NOT NULL OR wt.i = 0) AS complete
  FROM cfg CROSS JOIN LATERAL (
         SELECT (cfg.w ->> 'tax_per_mu')::float8 AS t, (cfg.w ->> 'output_per_mu')::float8 AS o,
                (cfg.w ->> 'investment_per_mu')::float8 AS i) wt,
       per_mu m),
final AS (
  -- to the hundredth, as shown: firms equal on the page tie (and GK areas of equal
  -- squares differ in their last bits)
  SELECT s.*, CASE WHEN s.complete THEN round(s.raw_score::numeric, 2)::float8 END AS score
  FROM scored s),
ranked AS (
  SELECT f.*,
         CASE WHEN f.score IS NOT NULL
              THEN rank() OVER (PARTITION BY f.score IS NULL ORDER BY f.score DESC) END AS rnk,
         count(f.score) OVER () AS n
  FROM final f)
SELECT r.key, r.project_id, r.plot_ids, r.code, r.name, r.company, r.zone_code,
       r.industry_code, r.area_m2, r.tax, r.output, r.investment, r.tax_per_mu,
       r.output_per_mu, r.investment_per_mu, r.score, r.rnk::integer,
       CASE
         WHEN r.score IS NULL THEN NULL
         WHEN cfg.method = 'thresholds' THEN
           CASE WHEN r.score >= (cfg.t ->> 'A')::float8 THEN 'A'
                WHEN r.score >= (cfg.t ->> 'B')::float8 THEN 'B'
                WHEN r.score >= (cfg.t ->> 'C')::float8 THEN 'C' ELSE 'D' END
         ELSE
           CASE WHEN (r.rnk - 1)::float8 / r.n < (cfg.q ->> 'A')::float8 THEN 'A'
                WHEN (r.rnk - 1)::float8 / r.n < (cfg.q ->> 'B')::float8 THEN 'B'
                WHEN (r.rnk - 1)::float8 / r.n < (cfg.q ->> 'C')::float8 THEN 'C' ELSE 'D' END
       END,
       cfg.method, cfg.settings
FROM ranked r, cfg
ORDER BY r.rnk NULLS LAST, r.code;
$$;

SELECT audit_table('enterprise_evaluations');
