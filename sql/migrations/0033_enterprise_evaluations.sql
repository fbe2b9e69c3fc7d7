-- 0033 enterprise evaluations (亩均效益, 亩产论英雄; issue 15 item 3): each operating
-- enterprise's figures, score and class A/B/C/D for a year, kept per year so a firm's
-- trend shows. An evaluation of a year replaces that year's rows (in one transaction,
-- audited by the source's audit_table()). The figures are copied, not referenced: a
-- later edit of a plot does not rewrite an evaluated year.
--
-- An enterprise is a project (its operating plots together) or, for an operating plot in
-- no active project, the plot itself (named by its land user): enterprise_key is
-- 'project:<id>' or 'plot:<id>' (ids are never reused), stable across years.

CREATE TABLE IF NOT EXISTS enterprise_evaluations (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  park_id integer NOT NULL REFERENCES parks (id) ON DELETE CASCADE,
  year integer NOT NULL CHECK (year BETWEEN 1900 AND 2200),
  enterprise_key text NOT NULL CHECK (enterprise_key ~ '^(project|plot):[0-9]+$'),
  project_id integer,           -- no foreign key: a kept year outlives a deleted project
  plot_ids integer[] NOT NULL,  -- the operating plots evaluated
  code text NOT NULL,           -- the project's code or the plot's
  name text,                    -- the project's name or the plot's
  company text,                 -- the project's company or the plot's land user
  zone_code text,
  industry_code text,
  area_m2 double precision NOT NULL CHECK (area_m2 >= 0),
  tax double precision,         -- 万元 a year; NULL: not recorded (never read as 0)
  output double precision,      -- 万元 a year (产值)
  investment double precision,  -- 万元, fixed-asset investment
  tax_per_mu double precision,
  output_per_mu double precision,
  investment_per_mu double precision,
  score double precision,       -- NULL: a weighted figure is missing, so no class
  rank integer,
  class text CHECK (class IN ('A', 'B', 'C', 'D')),
  method text NOT NULL CHECK (method IN ('thresholds', 'quantiles')),
  settings jsonb NOT NULL,      -- the evaluation settings used (weights, benchmarks, limits)
  evaluated_at timestamptz NOT NULL DEFAULT now(),
  evaluated_by text,
  UNIQUE (park_id, year, enterprise_key),
  CONSTRAINT enterprise_evaluations_scored_classed CHECK ((score IS NULL) = (class IS NULL))
);

-- a firm's classes over the years
CREATE INDEX IF NOT EXISTS enterprise_evaluations_trend_idx
  ON enterprise_evaluations (park_id, enterprise_key, year);
