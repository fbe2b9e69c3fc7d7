-- name: delete(id, reason)$
-- Retire a plot with the reason for deleting it.
SELECT delete_plot(:id, :reason) IS NULL;
