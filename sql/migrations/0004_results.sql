-- 0004 results: stored outcomes of the rules of DESIGN §4.1–4.5, each as of a date.
-- They are derived data (recomputed from plots, networks and projects), so they are not
-- audited; the recompute code fills them.

CREATE TABLE IF NOT EXISTS plot_status (
  plot_id integer PRIMARY KEY REFERENCES plots (id) ON DELETE CASCADE,
  park_id integer NOT NULL REFERENCES parks (id) ON DELETE CASCADE,
  evaluated_on date NOT NULL,
  stage text NOT NULL,
  flags text[] NOT NULL DEFAULT '{}',
  -- [{rule, values, zh, en}]: which rule fired with which numbers
  reasons jsonb NOT NULL DEFAULT '[]',
  details jsonb NOT NULL DEFAULT '{}',
  computed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS plot_status_park_idx ON plot_status (park_id);

CREATE TABLE IF NOT EXISTS plot_readiness (
  plot_id integer PRIMARY KEY REFERENCES plots (id) ON DELETE CASCADE,
  park_id integer NOT NULL REFERENCES parks (id) ON DELETE CASCADE,
  evaluated_on date NOT NULL,
  -- {utility: {state, planned_date, distance_m}} for the seven utilities
  utilities jsonb NOT NULL DEFAULT '{}',
  levelled boolean NOT NULL DEFAULT false,
  level integer NOT NULL DEFAULT 0 CHECK (level BETWEEN 0 AND 8),
  level_name text,
  serviced boolean NOT NULL DEFAULT false,
  computed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS plot_readiness_park_idx ON plot_readiness (park_id);
