-- 0012 requisition plans (DESIGN §4.8): versions with their status and frozen result.
--
-- A plan's plots belong to a version (plan_plots.plan_version). A draft version is
-- edited in place; submitting freezes it: its computed result is stored as JSON and its
-- plot list can no longer change, so an earlier version exports exactly as it was.
-- Editing a submitted or approved plan starts the next version as a draft copy.

CREATE TABLE IF NOT EXISTS plan_versions (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  plan_id integer NOT NULL REFERENCES requisition_plans (id) ON DELETE CASCADE,
  version_no integer NOT NULL CHECK (version_no >= 1),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'approved')),
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  submitted_by text,
  submitted_at timestamptz,
  approved_by text,
  approved_at timestamptz,
  -- the PlanResult (app/plan_result.py) as computed when the version was submitted
  result jsonb,
  UNIQUE (plan_id, version_no),
  CONSTRAINT plan_versions_frozen CHECK ((status = 'draft') = (result IS NULL)),
  CONSTRAINT plan_versions_submitted CHECK (status = 'draft' OR submitted_at IS NOT NULL),
  CONSTRAINT plan_versions_approved CHECK ((status = 'approved') = (approved_at IS NOT NULL))
);

ALTER TABLE requisition_plans ADD COLUMN IF NOT EXISTS updated_at timestamptz NOT NULL DEFAULT now();

-- Plans are listed per park, and a plot's plans found from the plot.
CREATE INDEX IF NOT EXISTS requisition_plans_park_idx ON requisition_plans (park_id);
CREATE INDEX IF NOT EXISTS plan_plots_plot_idx ON plan_plots (plot_id);
