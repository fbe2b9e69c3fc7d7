-- name: defer_recompute()!
-- This transaction's plot writes leave the recompute to one call at its end.
SET LOCAL parkatlas.defer_recompute = 'on';
