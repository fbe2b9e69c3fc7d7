-- 0005 requisition: land-requisition plans (征地方案), their versions and the rate table.

CREATE TABLE IF NOT EXISTS compensation_rates (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  park_id integer NOT NULL REFERENCES parks (id) ON DELETE CASCADE,
  price_zone text NOT NULL,
  land_group text NOT NULL CHECK (land_group IN ('cultivated', 'agricultural', 'construction', 'unused')),
  land_price_yuan_mu numeric(14, 2) NOT NULL CHECK (land_price_yuan_mu >= 0),   -- 区片综合地价
  crop_yuan_mu numeric(14, 2) NOT NULL DEFAULT 0 CHECK (crop_yuan_mu >= 0),      -- 青苗
  special_crop_yuan_mu numeric(14, 2) NOT NULL DEFAULT 0 CHECK (special_crop_yuan_mu >= 0),
  house_yuan_m2 numeric(14, 2) NOT NULL DEFAULT 0 CHECK (house_yuan_m2 >= 0),    -- 地上附着物
  social_security_yuan_mu numeric(14, 2) NOT NULL DEFAULT 0 CHECK (social_security_yuan_mu >= 0),
  version integer NOT NULL DEFAULT 1,
  UNIQUE (park_id, price_zone, land_group)
);

CREATE TABLE IF NOT EXISTS requisition_plans (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  park_id integer NOT NULL REFERENCES parks (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (btrim(name) <> ''),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'approved')),
  current_version integer NOT NULL DEFAULT 1,
  -- how the plots were chosen: {"kind": "project"|"zone"|"polygon"|"codes", ...}
  selection jsonb NOT NULL DEFAULT '{}',
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  UNIQUE (park_id, name)
);

-- One row per plot per plan version, with a snapshot of the plot as it was, so an
-- earlier version stays exportable exactly as it was submitted.
CREATE TABLE IF NOT EXISTS plan_plots (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  plan_id integer NOT NULL REFERENCES requisition_plans (id) ON DELETE CASCADE,
  plan_version integer NOT NULL,
  plot_id integer REFERENCES plots (id) ON DELETE SET NULL,
  snapshot jsonb,
  geom geometry(MultiPolygon, 4490),
  UNIQUE (plan_id, plan_version, plot_id)
);
CREATE INDEX IF NOT EXISTS plan_plots_plan_idx ON plan_plots (plan_id, plan_version);
CREATE INDEX IF NOT EXISTS plan_plots_geom_idx ON plan_plots USING gist (geom);
