-- The plots a project occupies (issue 12 item 2): the conflicts (DESIGN §4.4) that marking
-- a selection of plots would give, checked before the links are saved.

-- The conflicts of `project` occupying the plots `plot_ids` (of its park), one row per plot
-- and kind, read as the status engine's `claims` reads them (08_status.sql) with the
-- project counted as active (the warnings forecast what the plots' flags will say once it
-- is signed, whatever its stage now):
--   double_claim  the other active projects' claims on the plot (a whole-plot link claims
--                 the plot's area) and this project's claim exceed the plot's area + 0.01 m²;
--                 `others` lists those projects;
--   zoning        the project's industry division is not among the industries the plot's
--                 zone admits (an empty list admits every industry);
--   use           the project's industry group (setting conflicts.industry_uses) needs
--                 planned uses (code prefixes) the plot's planned use is not one of.
-- Names are given in both languages (details.*_zh / *_en) for the warnings' texts.
CREATE OR REPLACE FUNCTION project_plot_conflicts(project integer, plot_ids integer[])
RETURNS TABLE (plot_id integer, plot_code text, kind text, others jsonb, details jsonb)
LANGUAGE sql STABLE AS $$
WITH pr AS (
  SELECT p.id, p.park_id, p.industry_code, left(p.industry_code, 2) AS division,
         park_settings(p.park_id) #> '{conflicts,industry_uses}' AS industry_uses
  FROM projects p WHERE p.id = project),
sel AS (
  SELECT pl.id, pl.code, pl.area_m2, pl.planned_use, pl.zone_id,
         coalesce(own.claimed_area_m2, pl.area_m2) AS own_claim
  FROM pr JOIN plots pl ON pl.park_id = pr.park_id AND pl.id = ANY (plot_ids)
  LEFT JOIN project_plots own ON own.project_id = pr.id AND own.plot_id = pl.id),
double_claim AS (
  SELECT s.id, s.code, 'double_claim' AS kind,
         jsonb_agg(jsonb_build_object('id', o.id, 'code', o.code, 'name', o.name)
                   ORDER BY o.code) AS others,
         jsonb_build_object('area_m2', s.area_m2,
                            'claimed_m2', s.own_claim + sum(coalesce(op.claimed_area_m2, s.area_m2)))
           AS details
  FROM sel s
  JOIN project_plots op ON op.plot_id = s.id AND op.project_id <> project
  JOIN projects o ON o.id = op.project_id AND o.stage <> 'negotiating'
  GROUP BY s.id, s.code, s.area_m2, s.own_claim
  HAVING s.own_claim + sum(coalesce(op.claimed_area_m2, s.area_m2)) > s.area_m2 + 0.01),
zoning AS (
  SELECT s.id, s.code, 'zoning', '[]'::jsonb,
         jsonb_build_object('zone', z.code, 'zone_name_zh', z.name,
                            'zone_name_en', coalesce(z.name_en, z.name),
                            'industry_zh', industry_names(jsonb_build_array(pr.industry_code), 'zh'),
                            'industry_en', industry_names(jsonb_build_array(pr.industry_code), 'en'),
                            'admitted_zh', industry_names(to_jsonb(z.admitted_industries), 'zh'),
                            'admitted_en', industry_names(to_jsonb(z.admitted_industries), 'en'))
  FROM pr JOIN sel s ON true JOIN zones z ON z.id = s.zone_id
  WHERE pr.division IS NOT NULL AND cardinality(z.admitted_industries) > 0
    AND pr.division <> ALL (z.admitted_industries)),
use_conflict AS (
  SELECT s.id, s.code, 'use', '[]'::jsonb,
         jsonb_build_object('planned_use', s.planned_use, 'group', g.key, 'uses', g.uses,
                            'planned_use_zh', planned_use_name(s.planned_use, 'zh'),
                            'planned_use_en', planned_use_name(s.planned_use, 'en'),
                            'industry_zh', industry_names(jsonb_build_array(pr.industry_code), 'zh'),
                            'industry_en', industry_names(jsonb_build_array(pr.industry_code), 'en'),
                            'uses_zh', (SELECT string_agg(planned_use_name(u, 'zh'), '、')
                                        FROM jsonb_array_elements_text(g.uses) u),
                            'uses_en', (SELECT string_agg(planned_use_name(u, 'en'), ', ')
                                        FROM jsonb_array_elements_text(g.uses) u))
  FROM pr
  -- (an industry in two groups: the first by name, as the status engine reads it)
  CROSS JOIN LATERAL (SELECT e.key, e.value -> 'uses' AS uses FROM jsonb_each(pr.industry_uses) e
                      WHERE e.value -> 'industries' ? pr.division ORDER BY e.key LIMIT 1) g
  JOIN sel s ON NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(g.uses) u
                            WHERE s.planned_use LIKE u || '%'))
SELECT * FROM double_claim UNION ALL SELECT * FROM zoning UNION ALL SELECT * FROM use_conflict
ORDER BY 2, 3;
$$;
