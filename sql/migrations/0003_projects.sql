-- 0003 projects: investment projects, the plots they occupy, milestones and progress.

CREATE TABLE IF NOT EXISTS projects (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  park_id integer NOT NULL REFERENCES parks (id) ON DELETE CASCADE,
  zone_id integer REFERENCES zones (id) ON DELETE SET NULL,
  code text NOT NULL,
  name text NOT NULL CHECK (btrim(name) <> ''),
  company text,
  -- GB/T 4754 industry code, two to four digits (the first two give the division)
  industry_code text CONSTRAINT projects_industry_format CHECK (industry_code ~ '^[0-9]{2,4}$'),
  planned_investment double precision CHECK (planned_investment >= 0),    -- 万元
  completed_investment double precision CHECK (completed_investment >= 0), -- 万元
  tags text[] NOT NULL DEFAULT '{}',
  leader text,
  service_official text,
  stage text NOT NULL DEFAULT 'negotiating' CHECK (stage IN
    ('negotiating', 'signed', 'land_supplied', 'started', 'completed', 'operating')),
  version integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (park_id, code)
);

CREATE TABLE IF NOT EXISTS project_plots (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id integer NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  plot_id integer NOT NULL REFERENCES plots (id) ON DELETE CASCADE,
  UNIQUE (project_id, plot_id)
);
CREATE INDEX IF NOT EXISTS project_plots_plot_idx ON project_plots (plot_id);

CREATE TABLE IF NOT EXISTS milestones (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id integer NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  stage text NOT NULL CHECK (stage IN
    ('signed', 'land_supplied', 'started', 'completed', 'operating')),
  planned_on date,
  actual_on date,
  version integer NOT NULL DEFAULT 1,
  UNIQUE (project_id, stage)
);

CREATE TABLE IF NOT EXISTS progress_reports (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id integer NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  reported_on date NOT NULL,
  progress_pct double precision NOT NULL CHECK (progress_pct BETWEEN 0 AND 100),
  investment_done double precision CHECK (investment_done >= 0),          -- 万元
  note text,
  UNIQUE (project_id, reported_on)
);
