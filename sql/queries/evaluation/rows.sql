-- name: rows(park_id, year, zone, klass, industry, enterprise)
-- A park's kept evaluation of a year (or one enterprise's years, by its key, when year is
-- NULL), filtered by zone code, class ('none': no class) and industry division (the
-- first two digits of the code), best first; with the zone's and the industry's names.
SELECT e.year, e.enterprise_key, e.project_id, e.plot_ids, e.code, e.name, e.company,
       e.zone_code, z.name AS zone_name, z.name_en AS zone_name_en, e.industry_code,
       i.name_zh AS industry_name_zh, i.name_en AS industry_name_en,
       m2_to_mu(e.area_m2) AS area_mu, e.tax, e.output, e.investment, e.tax_per_mu,
       e.output_per_mu, e.investment_per_mu, e.score, e.rank, e.class, e.method,
       e.settings, e.evaluated_at, e.evaluated_by
FROM enterprise_evaluations e
LEFT JOIN zones z ON z.park_id = e.park_id AND z.code = e.zone_code
LEFT JOIN industries i ON i.code = left(e.industry_code, 2)
WHERE e.park_id = :park_id
  AND (:year::integer IS NULL OR e.year = :year)
  AND (:enterprise::text IS NULL OR e.enterprise_key = :enterprise)
  AND (:zone::text IS NULL OR e.zone_code = :zone)
  AND (:klass::text IS NULL OR e.class = :klass OR (:klass = 'none' AND e.class IS NULL))
  AND (:industry::text IS NULL OR left(e.industry_code, 2) = left(:industry, 2))
ORDER BY e.year DESC, e.rank NULLS LAST, e.code;
