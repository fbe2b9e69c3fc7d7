-- 0019 retired plots (issue 10): a GiST index on their geometry, as on every geometry
-- column (lineage maps and history look them up by place). Idempotent.
CREATE INDEX IF NOT EXISTS retired_plots_geom_idx ON retired_plots USING gist (geom);
