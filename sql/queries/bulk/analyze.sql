-- name: analyze()!
-- Statistics of the written tables, the transaction's new rows counted, before the recompute.
SELECT analyze_for_recompute();
