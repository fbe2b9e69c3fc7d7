-- name: begin(source, defer)!
-- This transaction is a bulk write from `source`: its feature inserts are audited by one
-- entry per statement (bulk_source(), sql/source/02_features.sql, 05_audit.sql); with
-- `defer`, its plot writes leave the recompute to one call at its end.
SELECT set_config('parkatlas.bulk_source', :source, true),
       set_config('parkatlas.defer_recompute', CASE WHEN :defer THEN 'on' ELSE '' END, true);
