-- name: keep_year(park_id, year)!
-- Evaluate a park's enterprises for a year (evaluate_enterprises(), 22_evaluation.sql)
-- and keep the result as that year's rows.
INSERT INTO enterprise_evaluations (
  park_id, year, enterprise_key, project_id, plot_ids, code, name, company, zone_code,
  industry_code, area_m2, tax, output, investment, tax_per_mu, output_per_mu,
  investment_per_mu, score, rank, class, method, settings, evaluated_by)
SELECT :park_id, :year, e.enterprise_key, e.project_id, e.plot_ids, e.code, e.name,
       e.company, e.zone_code, e.industry_code, e.area_m2, e.tax, e.output, e.investment,
       e.tax_per_mu, e.output_per_mu, e.investment_per_mu, e.score, e.rank, e.class,
       e.method, e.settings, audit_actor()
FROM evaluate_enterprises(:park_id, :year) e;
