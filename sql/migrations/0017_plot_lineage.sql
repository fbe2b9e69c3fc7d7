-- 0017 plot lineage (issue 10): split, merge and delete of plots keep where a plot came from.
--
-- A split, merge or delete is one plot_operations row. The plots it retires leave the
-- plots table (so no layer, status, readiness or plan computation sees them any more) and
-- are kept in retired_plots as they were: their columns as JSON and their geometry. The
-- plots it made are linked to them in plot_lineage (a delete has parents and no child).
-- Plot ids are never reused, so a retired plot keeps its id; a child may itself be
-- retired later and is then found in retired_plots.

CREATE TABLE IF NOT EXISTS plot_operations (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  park_id integer NOT NULL REFERENCES parks (id) ON DELETE CASCADE,
  kind text NOT NULL CONSTRAINT plot_operations_kind_check CHECK (kind IN ('split', 'merge', 'delete')),
  reason text CONSTRAINT plot_operations_reason_length CHECK (length(reason) <= 2000),
  done_by text NOT NULL,
  done_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT plot_operations_reason_given CHECK (kind <> 'delete' OR btrim(coalesce(reason, '')) <> '')
);
CREATE INDEX IF NOT EXISTS plot_operations_park_idx ON plot_operations (park_id);

CREATE TABLE IF NOT EXISTS retired_plots (
  id integer PRIMARY KEY,                 -- the plot's id while it was live
  operation_id integer NOT NULL REFERENCES plot_operations (id) ON DELETE CASCADE,
  park_id integer NOT NULL REFERENCES parks (id) ON DELETE CASCADE,
  code text NOT NULL,
  name text,
  area_m2 double precision NOT NULL,      -- its GK area when it was retired
  snapshot jsonb NOT NULL,                -- every other column as it was (no geometry)
  geom geometry(MultiPolygon, 4490) NOT NULL
);
CREATE INDEX IF NOT EXISTS retired_plots_park_idx ON retired_plots (park_id, code);

CREATE TABLE IF NOT EXISTS plot_lineage (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  operation_id integer NOT NULL REFERENCES plot_operations (id) ON DELETE CASCADE,
  parent_id integer NOT NULL REFERENCES retired_plots (id) ON DELETE CASCADE,
  child_id integer NOT NULL,              -- a live plot, or a retired one later on
  UNIQUE (parent_id, child_id)
);
CREATE INDEX IF NOT EXISTS plot_lineage_child_idx ON plot_lineage (child_id);
