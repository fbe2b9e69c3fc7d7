-- 0010 status upkeep: the functions and triggers that keep stored results current moved
-- to sql/source/10_upkeep.sql.

-- Flags are filtered with = ANY after reading a park's rows: a GIN index only slowed writes.
DROP INDEX IF EXISTS plot_status_flags_idx;
