-- name: index_stage#
-- A GiST index and statistics for the validation's joins (the planner knows the rows).
CREATE INDEX import_stage_gk_idx ON import_stage USING gist (geom_gk);
CREATE INDEX import_stage_code_idx ON import_stage (code);
ANALYZE import_stage;
