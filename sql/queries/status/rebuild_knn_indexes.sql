-- name: rebuild_knn_indexes()$
-- Rebuild the nearest-feature indexes of the readiness rule at their fillfactor.
SELECT rebuild_knn_indexes();
