-- Park indicators (DESIGN §4.6, in the sense of TD/T 1029 开发区土地集约利用评价), as of a
-- date, for the park and for each zone: one statement over the plots' status and readiness
-- as of that date (plot_status_as_of, plot_readiness_as_of). Areas in the park's GK CRS
-- (plots.area_m2).
--
-- Every indicator is a numerator over a denominator, each a sum over a set of plots:
-- indicator_terms() says, per plot and indicator, whether the plot is in the numerator's
-- set (with its figure), in the base, or in the base but lacking the figure (for the
-- ratios of recorded figures: floor area, footprint, investment, tax; such a plot is left
-- out of both sums, not counted as zero, and listed so the office can fill it in).
-- park_indicators() sums the terms for the park and each zone; park_indicator_plots()
-- lists the plots behind one number. Both read the one definition.
--
-- The land sets (a plot in the set or not):
--   developable  every plot of the park (its planned construction land)
--   acquired     requisitioned (征收) or later, or state land (国有, nothing to requisition)
--   developed    acquired and serviced (三通一平 or better: roads, water, power, levelled),
--                or supplied already: land that meets the conditions for supply
--   supplied     supplied (供地) or later;  built  completed (竣工) or operating
--   industrial   planned use under a code of the setting indicators.industrial_uses
--                (工业 1001, 仓储 1101 by default, their subclasses 100101 … included:
--                工业用地率 counts industrial and storage land)
--   idle         flag idle (type A or B, disposed ones included); disposed: idle_disposed

CREATE OR REPLACE FUNCTION indicator_terms(p_park integer, p_as_of date)
RETURNS TABLE (plot_id integer, zone_id integer, area_m2 double precision, key text,
               kind text, num double precision, in_num boolean, in_base boolean,
               figure_missing boolean, days integer)
LANGUAGE sql STABLE AS $$
WITH cfg AS (
  SELECT ARRAY(SELECT jsonb_array_elements_text(
           park_settings(p_park) #> '{indicators,industrial_uses}')) AS industrial_uses,
         ARRAY['planned', 'approved', 'requisitioned', 'banked', 'supplied', 'delivered',
               'under_construction', 'completed', 'operating'] AS stages),
p AS (
  SELECT pl.id, pl.zone_id, pl.area_m2, pl.floor_area_m2, pl.building_footprint_m2,
         pl.actual_investment, pl.annual_tax, s.flags,
         array_position(cfg.stages, s.stage) AS rank,
         EXISTS (SELECT 1 FROM unnest(cfg.industrial_uses) u
                 WHERE pl.planned_use LIKE u || '%') AS industrial,
         coalesce(r.serviced, false) AS serviced,
         pl.owner_type = 'state' AS state_land,
         (SELECT (e #>> '{values,days}')::integer FROM jsonb_array_elements(s.reasons) e
          WHERE e ->> 'rule' = 'land.approved_not_supplied') AS ans_days,
         (SELECT (e #>> '{values,days}')::integer FROM jsonb_array_elements(s.reasons) e
          WHERE e ->> 'rule' = 'land.supplied_not_used') AS snu_days
  FROM cfg, plot_status_as_of(p_park, p_as_of) s
  JOIN plots pl ON pl.id = s.plot_id
  LEFT JOIN plot_readiness_as_of(p_park, p_as_of) r ON r.plot_id = s.plot_id),
sets AS (
  SELECT p.*,
         p.rank >= 5 AS supplied,
         p.rank >= 8 AS built,
         (p.rank >= 5 OR ((p.rank >= 3 OR p.state_land) AND p.serviced)) AS developed,
         (p.rank < 5 AND (p.rank >= 3 OR p.state_land) AND p.serviced) AS supplyable
  FROM p),
-- one row per plot and indicator: (in the numerator's set, its figure; in the base, its
-- area); a figure the plot lacks (NULL) leaves it out of both and lists it as missing
terms AS (
  SELECT s.id, s.zone_id, s.area_m2, t.key, t.kind, t.num, t.in_num, t.in_base,
         t.figure_missing, t.days
  FROM sets s CROSS JOIN LATERAL (VALUES
    ('development_rate', 'share', s.area_m2, s.developed, true, false, NULL::integer),
    ('supply_rate', 'share', s.area_m2, s.supplied, s.developed, false, NULL),
    ('built_rate', 'share', s.area_m2, s.built, s.supplied, false, NULL),
    ('industrial_land_rate', 'share', s.area_m2, s.built AND s.industrial, s.built, false, NULL),
    ('plot_ratio', 'ratio', s.floor_area_m2, s.built AND s.floor_area_m2 IS NOT NULL,
     s.built AND s.floor_area_m2 IS NOT NULL, s.built AND s.floor_area_m2 IS NULL, NULL),
    ('building_density', 'share', s.building_footprint_m2,
     s.built AND s.building_footprint_m2 IS NOT NULL,
     s.built AND s.building_footprint_m2 IS NOT NULL,
     s.built AND s.building_footprint_m2 IS NULL, NULL),
    ('industrial_plot_ratio', 'ratio', s.floor_area_m2,
     s.built AND s.industrial AND s.floor_area_m2 IS NOT NULL,
     s.built AND s.industrial AND s.floor_area_m2 IS NOT NULL,
     s.built AND s.industrial AND s.floor_area_m2 IS NULL, NULL),
    ('industrial_investment_intensity', 'per_ha', s.actual_investment,
     s.built AND s.industrial AND s.actual_investment IS NOT NULL,
     s.built AND s.industrial AND s.actual_investment IS NOT NULL,
     s.built AND s.industrial AND s.actual_investment IS NULL, NULL),
    ('industrial_tax_per_area', 'per_ha', s.annual_tax,
     s.built AND s.industrial AND s.annual_tax IS NOT NULL,
     s.built AND s.industrial AND s.annual_tax IS NOT NULL,
     s.built AND s.industrial AND s.annual_tax IS NULL, NULL),
    ('tax_per_area', 'per_ha', s.annual_tax, s.built AND s.annual_tax IS NOT NULL,
     s.built AND s.annual_tax IS NOT NULL, s.built AND s.annual_tax IS NULL, NULL),
    ('idle_disposal_rate', 'share', s.area_m2, 'idle_disposed' = ANY (s.flags),
     'idle' = ANY (s.flags), false, NULL),
    ('remaining_supplyable', 'area', s.area_m2, s.supplyable, false, false, NULL),
    ('approved_not_supplied', 'area', s.area_m2, s.ans_days IS NOT NULL, false, false,
     s.ans_days),
    ('supplied_not_used', 'area', s.area_m2, s.snu_days IS NOT NULL, false, false, s.snu_days)
  ) AS t (key, kind, num, in_num, in_base, figure_missing, days))
SELECT * FROM terms;
$$;

CREATE OR REPLACE FUNCTION park_indicators(p_park integer, p_as_of date)
RETURNS TABLE (zone_id integer, key text, kind text, numerator double precision,
               denominator double precision, value double precision, plots bigint,
               base_plots bigint, missing_plots bigint, oldest_days integer,
               mean_days double precision)
LANGUAGE sql STABLE AS $$
-- summed once per zone (plots outside every zone as the zone NULL), and the park's sums
-- from the zones' (sums, counts and maxima add up): one pass over the plot × indicator
-- terms instead of one per grouping set (4.8 → 2.6 s at 100 000 plots)
WITH by_zone AS (
  SELECT t.zone_id, t.key, t.kind,
         coalesce(sum(t.num) FILTER (WHERE t.in_num), 0) AS numerator,
         sum(t.area_m2) FILTER (WHERE t.in_base) AS denominator,
         count(*) FILTER (WHERE t.in_num) AS plots,
         count(*) FILTER (WHERE t.in_base) AS base_plots,
         count(*) FILTER (WHERE t.figure_missing) AS missing_plots,
         max(t.days) AS oldest_days, sum(t.days) AS days_sum, count(t.days) AS days_n
  FROM indicator_terms(p_park, p_as_of) t
  GROUP BY t.zone_id, t.key, t.kind),
summed AS (
  SELECT b.zone_id, b.key, b.kind, false AS whole_park, b.numerator, b.denominator,
         b.plots, b.base_plots, b.missing_plots, b.oldest_days, b.days_sum, b.days_n
  FROM by_zone b
  UNION ALL
  SELECT NULL, b.key, b.kind, true, sum(b.numerator), sum(b.denominator),
         sum(b.plots)::bigint, sum(b.base_plots)::bigint, sum(b.missing_plots)::bigint,
         max(b.oldest_days), sum(b.days_sum), sum(b.days_n)
  FROM by_zone b GROUP BY b.key, b.kind)
SELECT CASE WHEN s.whole_park THEN NULL ELSE s.zone_id END, s.key, s.kind, s.numerator,
       s.denominator,
       CASE s.kind
         WHEN 'area' THEN s.numerator
         -- an empty base has no rate: NULL, shown as "—", never a division by zero
         WHEN 'per_ha' THEN s.numerator / nullif(s.denominator, 0) * 1e4
         ELSE s.numerator / nullif(s.denominator, 0) END,
       s.plots, s.base_plots, s.missing_plots, s.oldest_days,
       s.days_sum::double precision / nullif(s.days_n, 0)
FROM summed s
-- plots outside every zone count for the park, not as a zone of their own
WHERE s.whole_park OR s.zone_id IS NOT NULL;
$$;

-- The plots behind one number: the numerator's ('plots'), the base's ('base_plots') or
-- the base's plots that lack the figure ('missing_plots'); the park's, or a zone's.
CREATE OR REPLACE FUNCTION park_indicator_plots(p_park integer, p_as_of date, p_key text,
                                                p_zone integer, p_set text)
RETURNS SETOF integer
LANGUAGE sql STABLE AS $$
SELECT t.plot_id FROM indicator_terms(p_park, p_as_of) t
WHERE t.key = p_key AND (p_zone IS NULL OR t.zone_id = p_zone)
  AND CASE p_set WHEN 'plots' THEN t.in_num WHEN 'base_plots' THEN t.in_base
                 WHEN 'missing_plots' THEN t.figure_missing END
ORDER BY t.plot_id;
$$;
