-- name: begin(source)!
-- This transaction is a bulk write from `source`: its feature inserts are audited by one
-- entry per statement (bulk_source(), sql/source/05_audit.sql) and its plot writes leave
-- the recompute to one call at its end.
SELECT set_config('parkatlas.bulk_source', :source, true),
       set_config('parkatlas.defer_recompute', 'on', true);
