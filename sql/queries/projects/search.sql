-- name: search(park_id, as_of, q, stage, zone, industry, leader, service_official, flag, tag, sort, descending, max_rows, skip)^
-- A page of a park's projects for the list: the search text (code, name or company), the
-- filters (each NULL when not given), the sort key and direction; each row with its zone,
-- industry name, flag and reason, investments and occupied area; `matched` counts them all.
WITH fl AS (SELECT * FROM project_flags(:park_id, :as_of::date)),
occ AS (
  SELECT pp.project_id, sum(pl.area_m2) AS area_m2, count(*) AS n_plots
  FROM project_plots pp JOIN plots pl ON pl.id = pp.plot_id
  JOIN projects pr ON pr.id = pp.project_id AND pr.park_id = :park_id
  GROUP BY pp.project_id),
sel AS (
  SELECT pr.id, pr.code, pr.name, pr.company, pr.industry_code, pr.stage, pr.tags, pr.leader,
         pr.responsible_unit, pr.service_official, pr.planned_investment,
         pr.completed_investment, pr.version, z.code AS zone, z.name AS zone_name,
         z.name_en AS zone_name_en, i.name_zh AS industry_name_zh,
         i.name_en AS industry_name_en, fl.flag, fl.days_behind, fl.reasons,
         coalesce(occ.area_m2, 0) AS area_m2, m2_to_mu(coalesce(occ.area_m2, 0)) AS area_mu,
         coalesce(occ.n_plots, 0) AS n_plots,
         array_position(ARRAY['negotiating', 'signed', 'land_supplied', 'started', 'completed',
                              'operating'], pr.stage) AS stage_rank
  FROM projects pr
  JOIN fl ON fl.project_id = pr.id
  LEFT JOIN occ ON occ.project_id = pr.id
  LEFT JOIN zones z ON z.id = pr.zone_id
  LEFT JOIN industries i ON i.code = left(pr.industry_code, 2)
  WHERE pr.park_id = :park_id
    AND project_matches(pr, pr.stage, z.code, fl.flag, :q, :stage, :zone, :industry, :leader,
                        :service_official, :flag, :tag)),
keyed AS (
  SELECT s.*,
         CASE :sort WHEN 'stage' THEN s.stage_rank::float8 WHEN 'flag' THEN s.days_behind::float8
                    WHEN 'planned_investment' THEN s.planned_investment
                    WHEN 'completed_investment' THEN s.completed_investment
                    WHEN 'area' THEN s.area_m2 END AS nkey,
         CASE :sort WHEN 'code' THEN s.code WHEN 'name' THEN s.name
                    WHEN 'company' THEN s.company WHEN 'zone' THEN s.zone
                    WHEN 'industry' THEN s.industry_code WHEN 'leader' THEN s.leader
                    WHEN 'service_official' THEN s.service_official END AS tkey
  FROM sel s)
SELECT (SELECT count(*) FROM sel) AS matched,
       coalesce((SELECT jsonb_agg(to_jsonb(k) - 'nkey' - 'tkey' - 'stage_rank' ORDER BY k.n)
                 FROM (SELECT keyed.*, row_number() OVER (
                         ORDER BY CASE WHEN NOT :descending THEN nkey END ASC NULLS LAST,
                                  CASE WHEN :descending THEN nkey END DESC NULLS LAST,
                                  CASE WHEN NOT :descending THEN tkey END ASC NULLS LAST,
                                  CASE WHEN :descending THEN tkey END DESC NULLS LAST,
                                  code) AS n
                       FROM keyed ORDER BY n LIMIT :max_rows OFFSET :skip) k), '[]') AS rows;
