-- Land status (DESIGN §4.1–4.4): the rules, set-based, as of a date.

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

-- The GB/T 4754-2002 division whose minimum plot ratio applies to an industry code.
-- The minimums of DESIGN §4.3 come from the 2008 control indicators (工业项目建设用地
-- 控制指标), numbered by GB/T 4754-2002; projects carry today's codes (GB/T 4754-2017,
-- the same manufacturing divisions as 2011), where from rubber and plastics on the
-- numbers shift: 2017 39 electronics is 2002 40, 38 electrical machinery is 39, and so
-- on. Rubber and plastics share 2017 division 29 (2002: 29 rubber, 30 plastics): the
-- four-digit code decides, a bare "29" gets the rubber minimum, the lower one, as a flag
-- has legal consequences. Repair services (2017 43) have no 2002 division and no minimum.
CREATE OR REPLACE FUNCTION industry_division_2002(code text, edition text DEFAULT '2017')
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE
  WHEN code IS NULL THEN NULL
  WHEN edition = '2002' OR left(code, 2) < '29' THEN left(code, 2)
  -- repair services: no 2002 division, hence no minimum (never the 2002 division 43)
  WHEN left(code, 2) = '43' THEN NULL
  WHEN left(code, 3) = '292' THEN '30'
  ELSE coalesce((SELECT m.d FROM (VALUES ('29', '29'), ('30', '31'), ('31', '32'), ('32', '33'),
                                         ('33', '34'), ('34', '35'), ('35', '36'), ('36', '37'),
                                         ('37', '37'), ('38', '39'), ('39', '40'), ('40', '41'),
                                         ('41', '42'), ('42', '43')) AS m (s, d)
                 WHERE m.s = left(code, 2)), left(code, 2))
END;
$$;

-- One reason for a status flag: the rule, its flag, the numbers that fired it, Chinese and
-- English. STABLE like jsonb_build_object: a function declared more constant than its body
-- is not inlined, and then runs as a query of its own for every reason of every plot.
CREATE OR REPLACE FUNCTION reason(rule text, vals jsonb, zh text, en text) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT jsonb_build_object('rule', rule, 'flag', rule_flag(rule), 'values', vals, 'zh', zh, 'en', en);
$$;

-- A disposal's name in a reason (labels.DISPOSALS, in the catalogue's words), never the
-- raw code: '限期动工' / 'start deadline set'; lang 'zh' or 'en'.
CREATE OR REPLACE FUNCTION disposal_name(code text, lang text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT coalesce((
  SELECT CASE WHEN lang = 'en' THEN n.en ELSE n.zh END
  FROM (VALUES ('deadline', '限期动工', 'start deadline set'), ('fee', '征缴闲置费', 'idle fee levied'),
               ('reclaimed', '无偿收回', 'reclaimed'), ('agreement', '协议有偿收回', 'agreement'),
               ('exchange', '置换土地', 'land exchange'), ('change_use', '改变用途', 'use changed'))
       AS n (k, zh, en)
  WHERE n.k = code), code);
$$;

-- Industry codes in reasons as "code name" (GB/T 4754-2017 divisions, table industries),
-- never as raw JSON: '39 计算机、通信和其他电子设备制造业'; lang 'zh' or 'en'.
CREATE OR REPLACE FUNCTION industry_names(codes jsonb, lang text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT coalesce(string_agg(c.code || coalesce(' ' || CASE WHEN lang = 'en' THEN i.name_en
                                                      ELSE i.name_zh END, ''),
                           CASE WHEN lang = 'en' THEN '; ' ELSE '；' END ORDER BY c.code), '—')
FROM jsonb_array_elements_text(coalesce(codes, '[]')) c (code)
LEFT JOIN industries i ON i.code = left(c.code, 2);
$$;

-- A planned-use code with its name: '100102 二类工业用地' (table planned_uses).
CREATE OR REPLACE FUNCTION planned_use_name(code text, lang text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT coalesce(code || coalesce(' ' || (SELECT CASE WHEN lang = 'en' THEN u.name_en ELSE u.name_zh END
                                         FROM planned_uses u WHERE u.code = planned_use_name.code), ''),
                '—');
$$;

-- Numbers in reasons: rounded for people, exact numbers stay in 'values'.
CREATE OR REPLACE FUNCTION fmt(x double precision, digits integer DEFAULT 2) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN x IS NULL THEN '—' ELSE round(x::numeric, digits)::text END;
$$;

-- The status of plots as of a date (DESIGN §4.1–4.4): stage, flags, reasons, details.
-- p_ids restricts the evaluation to some plots (incremental recompute); NULL means all.
CREATE OR REPLACE FUNCTION evaluate_status(p_park integer, p_as_of date, p_ids integer[] DEFAULT NULL)
RETURNS TABLE (plot_id integer, park_id integer, evaluated_on date, stage text, flags text[],
               reasons jsonb, details jsonb)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
WITH s AS MATERIALIZED (SELECT park_settings(p_park) AS j),  -- read once, not once per setting
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
         coalesce(j #>> '{low_efficiency,industry_code_edition}', '2017') AS code_edition,
         ARRAY(SELECT jsonb_array_elements_text(j #> '{low_efficiency,uses}')) AS le_uses,
         j #> '{conflicts,industry_uses}' AS industry_uses
  FROM s),
-- The evaluated plots: the whole park, or the listed ones. Two branches rather than
-- `p_ids IS NULL OR id IN (...)`: a subquery under OR cannot become a join, so one plot
-- would be found by reading the whole park.
sel AS (
  SELECT p.* FROM plots p WHERE p_ids IS NULL AND p.park_id = p_park
  UNION ALL
  SELECT p.* FROM plots p WHERE p.id IN (SELECT unnest(p_ids)) AND p.park_id = p_park),
-- only the columns the rules read (not the geometry), so the materialised rows stay small
base AS (
  SELECT p.id, p.park_id, p.zone_id, p.area_m2, p.planned_use, p.approved_on, p.supplied_on,
         p.delivered_on, p.started_on, p.agreed_start_on, p.land_price, p.government_cause,
         p.government_cause_note, dsp.disposal, dsp.disposal_on, dsp.disposal_note,
         p.developed_area_m2, p.planned_floor_area_m2, p.actual_investment, p.planned_investment,
         p.suspended_since, p.floor_area_m2, p.high_floor_area_m2, p.building_footprint_m2,
         p.structure_footprint_m2, p.open_storage_m2, p.admin_living_area_m2, p.annual_tax,
         st.stage_now, m2_to_mu(p.area_m2) AS mu,
         -- from the derived stage, so a later event (completion) implies the earlier ones
         st.stage_now IN ('supplied', 'delivered', 'under_construction', 'completed',
                          'operating') AS supplied,
         st.stage_now IN ('under_construction', 'completed', 'operating') AS started,
         -- a recorded disposal (DESIGN §4.9): in force from its date on; a 限期动工 disposal
         -- (deadline) records the new start deadline, in force until that day, and missing
         -- it makes the plot idle again with the deadline as its clock
         CASE WHEN dsp.disposal = 'deadline' THEN p_as_of <= dsp.disposal_on
              ELSE dsp.disposal_on <= p_as_of END AS disposal_in_force,
         (dsp.disposal = 'deadline' AND dsp.disposal_on < p_as_of) AS deadline_missed,
         (p.agreed_start_on + make_interval(years => c.idle_years))::date AS mark_1y,
         (p.agreed_start_on + make_interval(years => c.reclaim_years))::date AS mark_2y,
         (p.suspended_since + make_interval(years => c.suspension_years))::date AS suspension_mark
  FROM sel p CROSS JOIN cfg c
  -- the disposal as of the date: the latest decision of the record (plot_disposals,
  -- migration 0031) made by then, none when every recorded decision came later; a plot
  -- without a record keeps the disposal written on it (loaded data)
  LEFT JOIN LATERAL (
    SELECT d.decided_on <= p_as_of AS decided, d.kind,
           coalesce(d.deadline_on, d.decided_on) AS disposal_on, d.note
    FROM plot_disposals d WHERE d.plot_id = p.id
    ORDER BY d.decided_on <= p_as_of DESC, d.decided_on DESC, d.id DESC LIMIT 1) rec ON true
  CROSS JOIN LATERAL (SELECT
    CASE WHEN rec.kind IS NULL THEN p.disposal WHEN rec.decided THEN rec.kind END AS disposal,
    CASE WHEN rec.kind IS NULL THEN p.disposal_on WHEN rec.decided THEN rec.disposal_on END
      AS disposal_on,
    CASE WHEN rec.kind IS NULL THEN p.disposal_note WHEN rec.decided THEN rec.note END
      AS disposal_note) dsp
  -- plot_stage(p, p_as_of) spelled out: the latest event by that date in the order of
  -- plot_events() (a whole-row call copied every plot's geometry; tests check they agree)
  CROSS JOIN LATERAL (SELECT CASE
    WHEN p.operating_on <= p_as_of THEN 'operating' WHEN p.completed_on <= p_as_of THEN 'completed'
    WHEN p.started_on <= p_as_of THEN 'under_construction'
    WHEN p.delivered_on <= p_as_of THEN 'delivered' WHEN p.supplied_on <= p_as_of THEN 'supplied'
    WHEN p.banked_on <= p_as_of THEN 'banked' WHEN p.requisitioned_on <= p_as_of THEN 'requisitioned'
    WHEN p.approved_on <= p_as_of THEN 'approved' ELSE 'planned' END AS stage_now) st),
-- projects on each plot, with what the conflict rules need
claims AS (
  SELECT pp.plot_id,
         jsonb_agg(jsonb_build_object('id', pr.id, 'code', pr.code, 'name', pr.name,
                                      'industry', left(pr.industry_code, 2)) ORDER BY pr.code) AS projects,
         count(*) AS n,
         sum(coalesce(pp.claimed_area_m2, b.area_m2)) AS claimed_m2,
         -- several industries on one plot: the strictest minimum plot ratio applies
         (array_agg(left(pr.industry_code, 2) ORDER BY d.min_ratio DESC NULLS LAST, pr.industry_code)
            FILTER (WHERE pr.industry_code IS NOT NULL))[1] AS industry,
         (array_agg(d.division ORDER BY d.min_ratio DESC NULLS LAST, pr.industry_code)
            FILTER (WHERE pr.industry_code IS NOT NULL))[1] AS ratio_division,
         jsonb_agg(DISTINCT left(pr.industry_code, 2)) FILTER (WHERE pr.industry_code IS NOT NULL) AS industries,
         -- use conflict: projects whose industry group needs other planned uses
         jsonb_agg(jsonb_build_object('code', pr.code, 'industry', pr.industry_code, 'group', g.key,
                                      'uses', g.uses) ORDER BY pr.code)
           FILTER (WHERE g.uses IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM jsonb_array_elements_text(g.uses) u WHERE b.planned_use LIKE u || '%')) AS use_conflicts
  FROM project_plots pp
  JOIN base b ON b.id = pp.plot_id
  JOIN projects pr ON pr.id = pp.project_id AND pr.stage <> 'negotiating'
  CROSS JOIN cfg c
  CROSS JOIN LATERAL (SELECT industry_division_2002(pr.industry_code, c.code_edition) AS division) dv
  CROSS JOIN LATERAL (SELECT dv.division,
                             (c.ratio_min ->> dv.division)::float8 AS min_ratio) d
  LEFT JOIN LATERAL (SELECT e.key, e.value -> 'uses' AS uses FROM jsonb_each(c.industry_uses) e
                     WHERE e.value -> 'industries' ? left(pr.industry_code, 2)
                     ORDER BY e.key LIMIT 1) g ON true  -- (in two groups: the first by name)
  GROUP BY pp.plot_id),
r AS (
  SELECT b.id, b.park_id, b.stage_now, b.mu, b.area_m2, c.*, cl.projects, cl.n AS n_projects,
         cl.claimed_m2, cl.industry, cl.ratio_division, cl.industries, cl.use_conflicts, z.code AS zone_code,
         z.admitted_industries,
         -- §4.2 idle land
         (b.supplied AND b.agreed_start_on IS NOT NULL AND NOT coalesce(b.started, false)) AS not_started,
         b.supplied, b.started, b.disposal_in_force, b.deadline_missed, b.mark_1y, b.mark_2y, b.suspension_mark,
         b.agreed_start_on, b.approved_on, b.land_price, b.government_cause,
         -- a delivery recorded without a supply contract date still dates the supply
         coalesce(b.supplied_on, b.delivered_on, b.started_on) AS supplied_on,
         b.government_cause_note, b.disposal, b.disposal_on, b.disposal_note,
         -- type B: developed land area over the plot's land area (2012 Order, art. 2)
         b.developed_area_m2 / nullif(b.area_m2, 0) AS developed_share,
         b.actual_investment / nullif(b.planned_investment, 0) AS investment_share,
         b.suspended_since, b.planned_use,
         -- §4.3 indicators
         b.actual_investment / nullif(b.mu, 0) AS intensity,
         -- an indicator whose inputs are all missing is not assessable (NULL: no flag, and
         -- listed in details.indicators.not_assessable), as missing investment or tax are
         CASE WHEN num_nonnulls(b.floor_area_m2, b.high_floor_area_m2) > 0 THEN
           (coalesce(b.floor_area_m2, 0) + coalesce(b.high_floor_area_m2, 0)) / nullif(b.area_m2, 0)
         END AS plot_ratio,
         CASE WHEN num_nonnulls(b.building_footprint_m2, b.structure_footprint_m2,
                                b.open_storage_m2) > 0 THEN
           (coalesce(b.building_footprint_m2, 0) + coalesce(b.structure_footprint_m2, 0)
            + coalesce(b.open_storage_m2, 0)) / nullif(b.area_m2, 0)
         END AS coefficient,
         b.admin_living_area_m2 / nullif(b.area_m2, 0) AS admin_share,
         b.annual_tax / nullif(b.mu, 0) AS tax_per_mu,
         b.floor_area_m2, b.actual_investment, b.annual_tax
  FROM base b CROSS JOIN cfg c
  LEFT JOIN claims cl ON cl.plot_id = b.id
  LEFT JOIN zones z ON z.id = b.zone_id),
idle AS (
  SELECT r.*,
         (r.not_started AND (p_as_of >= r.mark_1y OR coalesce(r.deadline_missed, false))) AS idle_a,
         -- type B only while under construction: a completed plot is never idle
         (r.stage_now = 'under_construction' AND r.suspension_mark <= p_as_of
          AND (r.developed_share < r.developed_min OR r.investment_share < r.investment_min)) AS idle_b,
         (r.not_started AND p_as_of >= r.mark_2y) AS reclaim,
         r.mark_1y - p_as_of AS days_to_1y, r.mark_2y - p_as_of AS days_to_2y,
         r.plot_ratio_min_j::float8 AS ratio_floor
  FROM (SELECT r.*, r.ratio_min -> r.ratio_division AS plot_ratio_min_j FROM r) r),
judged AS (
  SELECT i.*,
         (i.idle_a OR i.idle_b) AS is_idle,
         -- disposed (已处置) only while the plot would otherwise still be idle
         (coalesce(i.disposal_in_force, false) AND (i.idle_a OR i.idle_b)) AS disposed,
         i.government_cause IS NOT NULL AS exempt,
         (i.stage_now IN ('completed', 'operating')
          AND EXISTS (SELECT 1 FROM unnest(i.le_uses) u WHERE i.planned_use LIKE u || '%')) AS le_applies
  FROM idle i),
reasons AS (
  SELECT j.*, array_remove(ARRAY[
    CASE WHEN j.idle_a AND j.deadline_missed THEN reason('idle.type_a',
      jsonb_build_object('agreed_start_on', j.agreed_start_on, 'deadline', j.disposal_on,
                         'idle_since', j.disposal_on, 'days_idle', p_as_of - j.disposal_on),
      format('闲置土地（未动工）：约定动工日期 %s，限期动工日期 %s 已过仍未动工，已闲置 %s 天',
             j.agreed_start_on, j.disposal_on, p_as_of - j.disposal_on),
      format('Idle land (not started): agreed start %s, the start deadline %s has passed without a start; idle for %s days',
             j.agreed_start_on, j.disposal_on, p_as_of - j.disposal_on))
    WHEN j.idle_a THEN reason('idle.type_a',
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
      format('已处置（%s，%s）%s', disposal_name(j.disposal, 'zh'), j.disposal_on,
             coalesce('：' || j.disposal_note, '')),
      format('Disposed (%s, %s)%s', disposal_name(j.disposal, 'en'), j.disposal_on,
             coalesce(': ' || j.disposal_note, ''))) END,
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
      format('容积率 %s，低于行业（%s）最低值 %s', fmt(j.plot_ratio),
             industry_names(jsonb_build_array(j.industry), 'zh'), fmt(j.ratio_floor, 1)),
      format('Plot ratio %s below the minimum %s for industry %s', fmt(j.plot_ratio), fmt(j.ratio_floor, 1),
             industry_names(jsonb_build_array(j.industry), 'en'))) END,
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
      format('产业布局冲突：项目行业 %s 不在分区 %s 准入行业（%s）内', industry_names(j.industries, 'zh'),
             j.zone_code, industry_names(to_jsonb(j.admitted_industries), 'zh')),
      format('Zoning conflict: project industry %s not admitted in zone %s (%s)',
             industry_names(j.industries, 'en'), j.zone_code,
             industry_names(to_jsonb(j.admitted_industries), 'en'))) END,
    CASE WHEN j.use_conflicts IS NOT NULL
      THEN reason('conflict.use', jsonb_build_object('planned_use', j.planned_use, 'projects', j.use_conflicts),
      format('用途冲突：规划用途 %s 不是项目（%s）所需的用地（%s）', planned_use_name(j.planned_use, 'zh'),
             (SELECT string_agg((e ->> 'code') || ' 行业 ' || industry_names(jsonb_build_array(e ->> 'industry'), 'zh'), '、')
              FROM jsonb_array_elements(j.use_conflicts) e),
             (SELECT string_agg(DISTINCT planned_use_name(u, 'zh'), '、') FROM jsonb_array_elements(j.use_conflicts) e,
                     jsonb_array_elements_text(e -> 'uses') u)),
      format('Use conflict: planned use %s is not a use the project (%s) needs (%s)',
             planned_use_name(j.planned_use, 'en'),
             (SELECT string_agg((e ->> 'code') || ' industry ' || industry_names(jsonb_build_array(e ->> 'industry'), 'en'), ', ')
              FROM jsonb_array_elements(j.use_conflicts) e),
             (SELECT string_agg(DISTINCT planned_use_name(u, 'en'), ', ') FROM jsonb_array_elements(j.use_conflicts) e,
                     jsonb_array_elements_text(e -> 'uses') u))) END,
    CASE WHEN j.n_projects > 1 AND j.claimed_m2 > j.area_m2 + 0.01 THEN reason('conflict.double_claim',
      jsonb_build_object('projects', j.projects, 'claimed_m2', j.claimed_m2, 'area_m2', j.area_m2),
      format('重复占用：%s 个项目共占用 %s 平方米，超过地块面积 %s 平方米', j.n_projects,
             fmt(j.claimed_m2), fmt(j.area_m2)),
      format('Double claim: %s projects claim %s m² of a %s m² plot', j.n_projects, fmt(j.claimed_m2),
             fmt(j.area_m2))) END
  ], NULL) AS rs
  -- OFFSET 0: rs is built once per plot; pulled up, the flags below would build it again
  FROM judged j OFFSET 0)
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
                                    'admin_living_share', x.admin_share, 'tax_per_mu', x.tax_per_mu,
                                    'not_assessable', (
                                      SELECT coalesce(jsonb_agg(v.k), '[]') FROM (VALUES
                                        ('investment_intensity', x.intensity),
                                        -- also without a minimum for the industry (2017 43)
                                        ('plot_ratio', CASE WHEN x.ratio_floor IS NOT NULL
                                                            THEN x.plot_ratio END),
                                        ('building_coefficient', x.coefficient),
                                        ('admin_living_share', x.admin_share),
                                        ('tax_per_mu', x.tax_per_mu)) AS v (k, val)
                                      WHERE v.val IS NULL)) END)
FROM reasons x;
$$;
