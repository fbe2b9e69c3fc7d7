-- 0009 status: the land-status rules of DESIGN §4.1–4.4, set-based, as of a date.
--
-- geom_gk moves to the zone-prefixed GK CRS (EPSG 4513+; easting = zone·10⁶ + 500 000):
-- areas and distances are identical, and parks in different zones no longer share
-- coordinates, so a spatial index never offers one park's features to another's query.

CREATE OR REPLACE FUNCTION set_geom_gk() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  epsg integer;
  problem text;
BEGIN
  IF TG_OP = 'INSERT' OR NEW.geom IS DISTINCT FROM OLD.geom
     OR NEW.park_id IS DISTINCT FROM OLD.park_id THEN
    problem := geometry_problem(NEW.geom);
    SELECT gk_epsg_prefixed INTO epsg FROM parks WHERE id = NEW.park_id;
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

-- Re-project stored metric copies made by the earlier trigger (idempotent).
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['zones', 'plots', 'roads', 'networks', 'price_zones'] LOOP
    EXECUTE format('ALTER TABLE %I DISABLE TRIGGER USER', t);
    EXECUTE format('UPDATE %I x SET geom_gk = ST_Transform(x.geom, p.gk_epsg_prefixed)
                    FROM parks p WHERE p.id = x.park_id
                      AND ST_SRID(x.geom_gk) <> p.gk_epsg_prefixed', t);
    EXECUTE format('ALTER TABLE %I ENABLE TRIGGER USER', t);
  END LOOP;
END $$;

-- A project may claim part of a plot; NULL claims the whole plot.
ALTER TABLE project_plots ADD COLUMN IF NOT EXISTS claimed_area_m2 double precision
  CHECK (claimed_area_m2 > 0);

-- The readiness rule asks for the nearest in-service feature of one utility in one park:
-- a partial GiST index over (park, utility, geometry) answers by KNN without sorting
-- (btree_gist adds the scalar columns; 2× faster than one that also holds planned ones).
CREATE EXTENSION IF NOT EXISTS btree_gist;
DROP INDEX IF EXISTS networks_park_utility_gk_idx;
DROP INDEX IF EXISTS roads_park_gk_idx;
DROP INDEX IF EXISTS networks_in_service_gk_idx;
DROP INDEX IF EXISTS networks_pending_gk_idx;
DROP INDEX IF EXISTS roads_in_service_gk_idx;
CREATE INDEX IF NOT EXISTS networks_knn_idx ON networks USING gist (park_id, utility, geom_gk)
  WHERE status = 'in_service';
CREATE INDEX IF NOT EXISTS roads_knn_idx ON roads USING gist (park_id, geom_gk)
  WHERE status = 'in_service';

-- The flag a rule raises: several rules can raise one flag (e.g. every low-efficiency
-- indicator raises low_efficiency).
CREATE OR REPLACE FUNCTION rule_flag(rule text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE
  WHEN rule = 'idle.type_a' THEN 'idle_a'
  WHEN rule = 'idle.type_b' THEN 'idle_b'
  WHEN rule = 'idle.government_cause' THEN 'government_cause'
  WHEN rule = 'idle.fee_due' THEN 'idle_fee_due'
  WHEN rule = 'idle.reclaim_due' THEN 'reclaim_due'
  WHEN rule LIKE 'idle.warning_%' THEN 'idle_warning'
  WHEN rule = 'idle.disposed' THEN 'idle_disposed'
  WHEN rule LIKE 'land.%' THEN split_part(rule, '.', 2)
  WHEN rule LIKE 'low_efficiency.%' THEN 'low_efficiency'
  WHEN rule = 'conflict.double_claim' THEN 'double_claim'
  WHEN rule LIKE 'conflict.%' THEN split_part(rule, '.', 2) || '_conflict'
END;
$$;

-- One reason for a status flag: the rule, its flag, the numbers that fired it, Chinese and
-- English.
CREATE OR REPLACE FUNCTION reason(rule text, vals jsonb, zh text, en text) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
SELECT jsonb_build_object('rule', rule, 'flag', rule_flag(rule), 'values', vals, 'zh', zh, 'en', en);
$$;

-- Numbers in reasons: rounded for people, exact numbers stay in 'values'.
CREATE OR REPLACE FUNCTION fmt(x double precision, digits integer DEFAULT 2) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
SELECT CASE WHEN x IS NULL THEN '—' ELSE round(x::numeric, digits)::text END;
$$;

-- The status of plots as of a date (DESIGN §4.1–4.4): stage, flags, reasons, details.
-- p_ids restricts the evaluation to some plots (incremental recompute); NULL means all.
CREATE OR REPLACE FUNCTION evaluate_status(p_park integer, p_as_of date, p_ids integer[] DEFAULT NULL)
RETURNS TABLE (plot_id integer, park_id integer, evaluated_on date, stage text, flags text[],
               reasons jsonb, details jsonb)
LANGUAGE sql STABLE AS $$
WITH s AS (SELECT park_settings(p_park) AS j),
cfg AS (
  SELECT (j #>> '{idle,idle_after_years}')::int AS idle_years,
         (j #>> '{idle,reclaim_after_years}')::int AS reclaim_years,
         (j #>> '{idle,idle_fee_share}')::float8 AS fee_share,
         (j #>> '{idle,warning_days}')::int AS warning_days,
         (j #>> '{idle,developed_share_min}')::float8 AS developed_min,
         (j #>> '{idle,investment_share_min}')::float8 AS investment_min,
         (j #>> '{idle,suspension_years}')::int AS suspension_years,
         (j #>> '{low_efficiency,investment_intensity_min}')::float8 AS intensity_min,
         (j #>> '{low_efficiency,building_coefficient_min}')::float8 AS coefficient_min,
         (j #>> '{low_efficiency,admin_living_share_max}')::float8 AS admin_max,
         (j #>> '{low_efficiency,tax_per_mu_min}')::float8 AS tax_min,
         j #> '{low_efficiency,plot_ratio_min}' AS ratio_min,
         ARRAY(SELECT jsonb_array_elements_text(j #> '{low_efficiency,uses}')) AS le_uses,
         ARRAY(SELECT jsonb_array_elements_text(j #> '{conflicts,project_uses}')) AS project_uses
  FROM s),
base AS (
  SELECT p.*, st.stage_now, p.area_m2 * 15 / 10000 AS mu,
         -- from the derived stage, so a later event (completion) implies the earlier ones
         st.stage_now IN ('supplied', 'delivered', 'under_construction', 'completed',
                          'operating') AS supplied,
         st.stage_now IN ('under_construction', 'completed', 'operating') AS started,
         (p.disposal_on <= p_as_of) AS disposed,
         (p.agreed_start_on + make_interval(years => c.idle_years))::date AS mark_1y,
         (p.agreed_start_on + make_interval(years => c.reclaim_years))::date AS mark_2y,
         (p.suspended_since + make_interval(years => c.suspension_years))::date AS suspension_mark
  FROM plots p CROSS JOIN cfg c
  CROSS JOIN LATERAL (SELECT plot_stage(p, p_as_of) AS stage_now) st  -- derived once
  WHERE p.park_id = p_park AND (p_ids IS NULL OR p.id IN (SELECT unnest(p_ids)))),
-- projects on each plot, with what the conflict rules need
claims AS (
  SELECT pp.plot_id,
         jsonb_agg(jsonb_build_object('id', pr.id, 'code', pr.code, 'name', pr.name,
                                      'industry', left(pr.industry_code, 2)) ORDER BY pr.code) AS projects,
         count(*) AS n,
         sum(coalesce(pp.claimed_area_m2, b.area_m2)) AS claimed_m2,
         min(left(pr.industry_code, 2)) FILTER (WHERE pr.industry_code IS NOT NULL) AS industry,
         jsonb_agg(DISTINCT left(pr.industry_code, 2)) FILTER (WHERE pr.industry_code IS NOT NULL) AS industries
  FROM project_plots pp
  JOIN base b ON b.id = pp.plot_id
  JOIN projects pr ON pr.id = pp.project_id AND pr.stage <> 'negotiating'
  GROUP BY pp.plot_id),
r AS (
  SELECT b.id, b.park_id, b.stage_now, b.mu, b.area_m2, c.*, cl.projects, cl.n AS n_projects,
         cl.claimed_m2, cl.industry, cl.industries, z.code AS zone_code, z.admitted_industries,
         -- §4.2 idle land
         (b.supplied AND b.agreed_start_on IS NOT NULL AND NOT coalesce(b.started, false)) AS not_started,
         b.supplied, b.started, b.disposed, b.mark_1y, b.mark_2y, b.suspension_mark,
         b.agreed_start_on, b.approved_on, b.land_price, b.government_cause,
         -- a delivery recorded without a supply contract date still dates the supply
         coalesce(b.supplied_on, b.delivered_on, b.started_on) AS supplied_on,
         b.government_cause_note, b.disposal, b.disposal_on, b.disposal_note,
         b.developed_area_m2 / nullif(b.planned_floor_area_m2, 0) AS developed_share,
         b.actual_investment / nullif(b.planned_investment, 0) AS investment_share,
         b.suspended_since, b.planned_use,
         -- §4.3 indicators
         b.actual_investment / nullif(b.mu, 0) AS intensity,
         (coalesce(b.floor_area_m2, 0) + coalesce(b.high_floor_area_m2, 0)) / nullif(b.area_m2, 0) AS plot_ratio,
         (coalesce(b.building_footprint_m2, 0) + coalesce(b.structure_footprint_m2, 0)
          + coalesce(b.open_storage_m2, 0)) / nullif(b.area_m2, 0) AS coefficient,
         b.admin_living_area_m2 / nullif(b.area_m2, 0) AS admin_share,
         b.annual_tax / nullif(b.mu, 0) AS tax_per_mu,
         b.floor_area_m2, b.actual_investment, b.annual_tax
  FROM base b CROSS JOIN cfg c
  LEFT JOIN claims cl ON cl.plot_id = b.id
  LEFT JOIN zones z ON z.id = b.zone_id),
idle AS (
  SELECT r.*,
         (r.not_started AND p_as_of >= r.mark_1y) AS idle_a,
         (coalesce(r.started, false) AND r.suspension_mark <= p_as_of
          AND (r.developed_share < r.developed_min OR r.investment_share < r.investment_min)) AS idle_b,
         (r.not_started AND p_as_of >= r.mark_2y) AS reclaim,
         r.mark_1y - p_as_of AS days_to_1y, r.mark_2y - p_as_of AS days_to_2y,
         r.plot_ratio_min_j::float8 AS ratio_floor
  FROM (SELECT r.*, r.ratio_min -> r.industry AS plot_ratio_min_j FROM r) r),
judged AS (
  SELECT i.*,
         (i.idle_a OR i.idle_b) AS is_idle,
         i.government_cause IS NOT NULL AS exempt,
         (i.stage_now IN ('completed', 'operating')
          AND EXISTS (SELECT 1 FROM unnest(i.le_uses) u WHERE i.planned_use LIKE u || '%')) AS le_applies
  FROM idle i),
reasons AS (
  SELECT j.*, array_remove(ARRAY[
    CASE WHEN j.idle_a THEN reason('idle.type_a',
      jsonb_build_object('agreed_start_on', j.agreed_start_on, 'idle_since', j.mark_1y,
                         'days_idle', p_as_of - j.mark_1y),
      format('闲置土地（未动工）：约定动工日期 %s，满一年（%s）仍未动工，已闲置 %s 天',
             j.agreed_start_on, j.mark_1y, p_as_of - j.mark_1y),
      format('Idle land (not started): agreed start %s, still not started one year later (%s); idle for %s days',
             j.agreed_start_on, j.mark_1y, p_as_of - j.mark_1y)) END,
    CASE WHEN j.idle_b THEN reason('idle.type_b',
      jsonb_build_object('developed_share', j.developed_share, 'investment_share', j.investment_share,
                         'suspended_since', j.suspended_since),
      format('闲置土地（中止建设）：已开发面积占比 %s%%、已投资额占比 %s%%，自 %s 中止建设满一年',
             fmt(j.developed_share * 100, 1), fmt(j.investment_share * 100, 1), j.suspended_since),
      format('Idle land (suspended): developed %s%%, invested %s%%, construction suspended since %s (over a year)',
             fmt(j.developed_share * 100, 1), fmt(j.investment_share * 100, 1), j.suspended_since)) END,
    CASE WHEN (j.idle_a OR j.idle_b) AND j.government_cause IS NOT NULL THEN reason('idle.government_cause',
      jsonb_build_object('cause', j.government_cause, 'note', j.government_cause_note),
      format('政府原因造成闲置（%s）：不征收闲置费、不无偿收回', j.government_cause_note),
      format('Idle for a government cause (%s): no idle fee, no reclaim', j.government_cause_note)) END,
    CASE WHEN (j.idle_a OR j.idle_b) AND j.government_cause IS NULL AND NOT coalesce(j.disposed, false)
      THEN reason('idle.fee_due',
      jsonb_build_object('land_price', j.land_price, 'fee_share', j.fee_share,
                         'fee', j.land_price * j.fee_share),
      format('应征缴土地闲置费：土地价款 %s 万元 × %s%% = %s 万元', fmt(j.land_price),
             fmt(j.fee_share * 100, 0), fmt(j.land_price * j.fee_share)),
      format('Idle fee due: land price %s × %s%% = %s (10k yuan)', fmt(j.land_price),
             fmt(j.fee_share * 100, 0), fmt(j.land_price * j.fee_share))) END,
    CASE WHEN j.reclaim AND j.government_cause IS NULL AND NOT coalesce(j.disposed, false)
      THEN reason('idle.reclaim_due',
      jsonb_build_object('agreed_start_on', j.agreed_start_on, 'reclaim_from', j.mark_2y),
      format('可无偿收回：约定动工日期 %s 起满两年（%s）仍未动工', j.agreed_start_on, j.mark_2y),
      format('Reclaim due free of charge: not started two years after the agreed start %s (%s)',
             j.agreed_start_on, j.mark_2y)) END,
    CASE WHEN j.not_started AND j.days_to_1y > 0 AND j.days_to_1y <= j.warning_days
      THEN reason('idle.warning_1y', jsonb_build_object('mark', j.mark_1y, 'days_left', j.days_to_1y),
      format('预警：距认定闲置（%s）还有 %s 天', j.mark_1y, j.days_to_1y),
      format('Early warning: %s days until the land counts as idle (%s)', j.days_to_1y, j.mark_1y)) END,
    CASE WHEN j.not_started AND j.days_to_2y > 0 AND j.days_to_2y <= j.warning_days
      THEN reason('idle.warning_2y', jsonb_build_object('mark', j.mark_2y, 'days_left', j.days_to_2y),
      format('预警：距可无偿收回（%s）还有 %s 天', j.mark_2y, j.days_to_2y),
      format('Early warning: %s days until it can be reclaimed (%s)', j.days_to_2y, j.mark_2y)) END,
    CASE WHEN j.disposed THEN reason('idle.disposed',
      jsonb_build_object('disposal', j.disposal, 'disposal_on', j.disposal_on, 'note', j.disposal_note),
      format('已处置（%s，%s）%s', j.disposal, j.disposal_on, coalesce('：' || j.disposal_note, '')),
      format('Disposed (%s, %s)%s', j.disposal, j.disposal_on, coalesce(': ' || j.disposal_note, ''))) END,
    CASE WHEN j.approved_on <= p_as_of AND NOT coalesce(j.supplied, false)
      THEN reason('land.approved_not_supplied',
      jsonb_build_object('approved_on', j.approved_on, 'days', p_as_of - j.approved_on),
      format('批而未供：%s 获批，已 %s 天未供地', j.approved_on, p_as_of - j.approved_on),
      format('Approved but not supplied: approved %s, %s days without supply', j.approved_on,
             p_as_of - j.approved_on)) END,
    CASE WHEN j.supplied AND NOT coalesce(j.started, false)
      THEN reason('land.supplied_not_used',
      jsonb_build_object('supplied_on', j.supplied_on, 'days', p_as_of - j.supplied_on),
      format('供而未用：%s 供地，已 %s 天未开工', j.supplied_on, p_as_of - j.supplied_on),
      format('Supplied but not used: supplied %s, %s days without a start', j.supplied_on,
             p_as_of - j.supplied_on)) END,
    CASE WHEN j.le_applies AND j.intensity < j.intensity_min THEN reason('low_efficiency.investment_intensity',
      jsonb_build_object('value', j.intensity, 'min', j.intensity_min),
      format('投资强度 %s 万元/亩，低于 %s 万元/亩', fmt(j.intensity), fmt(j.intensity_min, 0)),
      format('Investment intensity %s (10k yuan/mu) below %s', fmt(j.intensity), fmt(j.intensity_min, 0))) END,
    CASE WHEN j.le_applies AND j.plot_ratio < j.ratio_floor THEN reason('low_efficiency.plot_ratio',
      jsonb_build_object('value', j.plot_ratio, 'min', j.ratio_floor, 'industry', j.industry),
      format('容积率 %s，低于行业（%s）最低值 %s', fmt(j.plot_ratio), j.industry, fmt(j.ratio_floor, 1)),
      format('Plot ratio %s below the minimum %s for industry %s', fmt(j.plot_ratio), fmt(j.ratio_floor, 1),
             j.industry)) END,
    CASE WHEN j.le_applies AND j.coefficient < j.coefficient_min THEN reason('low_efficiency.building_coefficient',
      jsonb_build_object('value', j.coefficient, 'min', j.coefficient_min),
      format('建筑系数 %s%%，低于 %s%%', fmt(j.coefficient * 100, 1), fmt(j.coefficient_min * 100, 0)),
      format('Building coefficient %s%% below %s%%', fmt(j.coefficient * 100, 1), fmt(j.coefficient_min * 100, 0))) END,
    CASE WHEN j.le_applies AND j.admin_share > j.admin_max THEN reason('low_efficiency.admin_living_share',
      jsonb_build_object('value', j.admin_share, 'max', j.admin_max),
      format('行政办公及生活服务设施用地占比 %s%%，超过 %s%%', fmt(j.admin_share * 100, 1), fmt(j.admin_max * 100, 0)),
      format('Admin and living land %s%% above %s%%', fmt(j.admin_share * 100, 1), fmt(j.admin_max * 100, 0))) END,
    CASE WHEN j.le_applies AND j.tax_per_mu < j.tax_min THEN reason('low_efficiency.tax_per_mu',
      jsonb_build_object('value', j.tax_per_mu, 'min', j.tax_min),
      format('亩均税收 %s 万元/亩，低于 %s 万元/亩', fmt(j.tax_per_mu), fmt(j.tax_min, 0)),
      format('Tax per mu %s (10k yuan) below %s', fmt(j.tax_per_mu), fmt(j.tax_min, 0))) END,
    CASE WHEN j.industries IS NOT NULL AND cardinality(j.admitted_industries) > 0
           AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(j.industries) ind
                       WHERE ind <> ALL (j.admitted_industries))
      THEN reason('conflict.zoning',
      jsonb_build_object('industries', j.industries, 'zone', j.zone_code, 'admitted', j.admitted_industries),
      format('产业布局冲突：项目行业 %s 不在分区 %s 准入行业（%s）内', j.industries, j.zone_code,
             array_to_string(j.admitted_industries, ',')),
      format('Zoning conflict: project industry %s not admitted in zone %s (%s)', j.industries, j.zone_code,
             array_to_string(j.admitted_industries, ','))) END,
    CASE WHEN j.projects IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM unnest(j.project_uses) u WHERE j.planned_use LIKE u || '%')
      THEN reason('conflict.use', jsonb_build_object('planned_use', j.planned_use, 'allowed', j.project_uses),
      format('用途冲突：规划用途 %s 不是工业或物流仓储用地，却被项目占用', coalesce(j.planned_use, '—')),
      format('Use conflict: planned use %s is not industrial or logistics, yet a project occupies it',
             coalesce(j.planned_use, '—'))) END,
    CASE WHEN j.n_projects > 1 AND j.claimed_m2 > j.area_m2 + 0.01 THEN reason('conflict.double_claim',
      jsonb_build_object('projects', j.projects, 'claimed_m2', j.claimed_m2, 'area_m2', j.area_m2),
      format('重复占用：%s 个项目共占用 %s 平方米，超过地块面积 %s 平方米', j.n_projects,
             fmt(j.claimed_m2), fmt(j.area_m2)),
      format('Double claim: %s projects claim %s m² of a %s m² plot', j.n_projects, fmt(j.claimed_m2),
             fmt(j.area_m2))) END
  ], NULL) AS rs
  FROM judged j)
SELECT x.id, x.park_id, p_as_of, x.stage_now,
       ARRAY(SELECT rule_flag(e ->> 'rule') FROM unnest(x.rs) AS e
             UNION SELECT 'idle' WHERE x.idle_a OR x.idle_b ORDER BY 1),
       to_jsonb(x.rs),
       jsonb_build_object(
         'area_mu', x.mu, 'projects', coalesce(x.projects, '[]'),
         'idle', jsonb_build_object('agreed_start_on', x.agreed_start_on, 'mark_1y', x.mark_1y,
                                    'mark_2y', x.mark_2y, 'days_to_1y', x.days_to_1y,
                                    'days_to_2y', x.days_to_2y, 'not_started', x.not_started,
                                    'exempt', x.exempt, 'disposed', coalesce(x.disposed, false)),
         'indicators', CASE WHEN x.le_applies THEN jsonb_build_object(
                                    'investment_intensity', x.intensity, 'plot_ratio', x.plot_ratio,
                                    'plot_ratio_min', x.ratio_floor, 'building_coefficient', x.coefficient,
                                    'admin_living_share', x.admin_share, 'tax_per_mu', x.tax_per_mu) END)
FROM reasons x;
$$;

ALTER TABLE plot_readiness ADD COLUMN IF NOT EXISTS level_name_en text;

-- The seven utilities in the trade's order, with each one's service distance (park setting).
CREATE OR REPLACE FUNCTION service_distances(p_park integer)
RETURNS TABLE (utility text, ord integer, distance_m double precision)
LANGUAGE sql STABLE AS $$
SELECT u.utility, u.ord::int, (park_settings(p_park) #>> ARRAY['readiness', 'service_distance_m', u.utility])::float8
FROM unnest(ARRAY['road', 'water', 'drainage', 'power', 'telecom', 'gas', 'heat'])
     WITH ORDINALITY AS u (utility, ord);
$$;

-- The trade's name of a readiness level (三通一平 = road + water + power + levelled).
CREATE OR REPLACE FUNCTION readiness_level_name(avail text[], levelled boolean, lang text DEFAULT 'zh')
RETURNS text LANGUAGE sql IMMUTABLE AS $$
SELECT CASE
  WHEN levelled AND avail @> ARRAY['road', 'water', 'power', 'drainage', 'telecom', 'gas', 'heat']
    THEN CASE lang WHEN 'zh' THEN '七通一平' ELSE '7 utilities + levelled' END
  WHEN levelled AND avail @> ARRAY['road', 'water', 'power', 'drainage', 'telecom']
    THEN CASE lang WHEN 'zh' THEN '五通一平' ELSE '5 utilities + levelled' END
  WHEN levelled AND avail @> ARRAY['road', 'water', 'power']
    THEN CASE lang WHEN 'zh' THEN '三通一平' ELSE '3 utilities + levelled' END
  WHEN cardinality(avail) = 0 AND NOT levelled
    THEN CASE lang WHEN 'zh' THEN '生地' ELSE 'raw land' END
  -- not a trade level: a count that cannot be mistaken for one (三通一平 is road, water
  -- and power, not any three)
  ELSE CASE lang
    WHEN 'zh' THEN cardinality(avail) || '项配套' || CASE WHEN levelled THEN '·已平整' ELSE '' END
    ELSE cardinality(avail) || ' utilities' || CASE WHEN levelled THEN ' + levelled' ELSE '' END END
END;
$$;

-- Infrastructure readiness of plots (DESIGN §4.5) as of a date: for each utility,
-- available (an in-service feature within the service distance), else planned (the
-- earliest planned completion of a planned or under-construction feature within it),
-- else missing with the distance to the nearest in-service feature. Metric, in GK.
CREATE OR REPLACE FUNCTION evaluate_readiness(p_park integer, p_as_of date, p_ids integer[] DEFAULT NULL)
RETURNS TABLE (plot_id integer, park_id integer, evaluated_on date, utilities jsonb,
               levelled boolean, level integer, level_name text, level_name_en text,
               serviced boolean)
LANGUAGE sql STABLE AS $$
WITH dist AS MATERIALIZED (SELECT * FROM service_distances(p_park)),  -- settings read once
pl AS (SELECT p.id, p.geom_gk, p.levelled FROM plots p
       WHERE p.park_id = p_park AND (p_ids IS NULL OR p.id IN (SELECT unnest(p_ids)))),
-- Where the evaluated plots are, with the longest service distance around them: only
-- infrastructure in this box can serve them (an edit or a chunk touches a small part).
reach AS MATERIALIZED (
  SELECT ST_Expand(ST_SetSRID(ST_Extent(pl.geom_gk)::geometry, max(ST_SRID(pl.geom_gk))),
                   (SELECT max(distance_m) FROM dist)) AS box
  FROM pl),
-- A road centreline crosses the park: its bounding box would offer the index thousands of
-- plots. Cut into pieces of at most ~200 m, each with a tight box.
road_pieces AS MATERIALIZED (
  SELECT r.status, r.planned_completion, piece AS geom_gk
  FROM roads r CROSS JOIN reach
  CROSS JOIN LATERAL ST_Subdivide(ST_Segmentize(ST_ClipByBox2D(r.geom_gk, reach.box), 50), 5) AS piece
  WHERE r.park_id = p_park AND r.geom_gk && reach.box),
-- plots read directly (not through pl) so the planner may drive the join from either side
near AS (
  SELECT p.id, n.utility, n.status, n.planned_completion
  FROM plots p CROSS JOIN dist CROSS JOIN reach
  JOIN networks n ON n.park_id = p_park AND n.utility = dist.utility
   AND n.geom_gk && reach.box AND ST_DWithin(p.geom_gk, n.geom_gk, dist.distance_m)
  WHERE p.park_id = p_park AND (p_ids IS NULL OR p.id IN (SELECT unnest(p_ids)))
  UNION ALL
  SELECT p.id, 'road', r.status, r.planned_completion
  FROM road_pieces r CROSS JOIN dist
  JOIN plots p ON p.park_id = p_park AND ST_DWithin(p.geom_gk, r.geom_gk, dist.distance_m)
  WHERE dist.utility = 'road' AND (p_ids IS NULL OR p.id IN (SELECT unnest(p_ids)))),
agg AS (
  SELECT id, utility, bool_or(status = 'in_service') AS available,
         bool_or(status <> 'in_service') AS planned,
         min(planned_completion) FILTER (WHERE status <> 'in_service') AS planned_date
  FROM near GROUP BY id, utility),
grid AS (
  SELECT pl.id, pl.geom_gk, pl.levelled, d.utility, d.ord,
         coalesce(a.available, false) AS available, coalesce(a.planned, false) AS planned,
         a.planned_date
  FROM pl CROSS JOIN dist d LEFT JOIN agg a ON a.id = pl.id AND a.utility = d.utility),
states AS (
  SELECT g.id, g.levelled, g.utility, g.ord, g.available,
         CASE WHEN g.available THEN 'available' WHEN g.planned THEN 'planned' ELSE 'missing' END AS state,
         CASE WHEN NOT g.available AND g.planned THEN g.planned_date END AS planned_date,
         coalesce(nr.m, nn.m) AS distance_m
  FROM grid g
  -- nearest in-service feature, only for what is missing (a one-time filter skips the rest)
  LEFT JOIN LATERAL (
    SELECT r.geom_gk <-> g.geom_gk AS m FROM roads r  -- KNN distance is the exact distance
    WHERE g.utility = 'road' AND NOT g.available AND NOT g.planned
      AND r.park_id = p_park AND r.status = 'in_service'
    ORDER BY r.geom_gk <-> g.geom_gk LIMIT 1) nr ON true
  LEFT JOIN LATERAL (
    SELECT n.geom_gk <-> g.geom_gk AS m FROM networks n
    WHERE g.utility <> 'road' AND NOT g.available AND NOT g.planned
      AND n.park_id = p_park AND n.utility = g.utility AND n.status = 'in_service'
    ORDER BY n.geom_gk <-> g.geom_gk LIMIT 1) nn ON true),
plot_level AS (
  SELECT id, levelled,
         jsonb_object_agg(utility, jsonb_build_object('state', state, 'planned_date', planned_date,
                                                      'distance_m', distance_m)) AS utilities,
         coalesce(array_agg(utility ORDER BY ord) FILTER (WHERE available), '{}') AS avail
  FROM states GROUP BY id, levelled)
SELECT l.id, p_park, p_as_of, l.utilities, l.levelled,
       cardinality(l.avail) + l.levelled::int,
       readiness_level_name(l.avail, l.levelled, 'zh'),
       readiness_level_name(l.avail, l.levelled, 'en'),
       l.levelled AND l.avail @> ARRAY['road', 'water', 'power']
FROM plot_level l;
$$;

-- Store the status and readiness of plots (all of a park, or some) as of a date.
CREATE OR REPLACE FUNCTION recompute_plots(p_park integer, p_as_of date, p_ids integer[] DEFAULT NULL)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE n integer;
BEGIN
  IF p_ids IS NOT NULL THEN
    -- plots that left the park or were deleted
    DELETE FROM plot_status s WHERE s.plot_id IN (SELECT unnest(p_ids))
      AND NOT EXISTS (SELECT 1 FROM plots p WHERE p.id = s.plot_id AND p.park_id = p_park);
  END IF;
  INSERT INTO plot_status AS t (plot_id, park_id, evaluated_on, stage, flags, reasons, details, computed_at)
  SELECT e.*, now() FROM evaluate_status(p_park, p_as_of, p_ids) e
  ON CONFLICT (plot_id) DO UPDATE SET park_id = excluded.park_id, evaluated_on = excluded.evaluated_on,
    stage = excluded.stage, flags = excluded.flags, reasons = excluded.reasons,
    details = excluded.details, computed_at = excluded.computed_at;
  GET DIAGNOSTICS n = ROW_COUNT;
  INSERT INTO plot_readiness AS t (plot_id, park_id, evaluated_on, utilities, levelled, level,
                                   level_name, level_name_en, serviced, computed_at)
  SELECT e.*, now() FROM evaluate_readiness(p_park, p_as_of, p_ids) e
  ON CONFLICT (plot_id) DO UPDATE SET park_id = excluded.park_id, evaluated_on = excluded.evaluated_on,
    utilities = excluded.utilities, levelled = excluded.levelled, level = excluded.level,
    level_name = excluded.level_name, level_name_en = excluded.level_name_en,
    serviced = excluded.serviced, computed_at = excluded.computed_at;
  RETURN n;
END;
$$;
