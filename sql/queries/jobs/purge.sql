-- name: purge(hours)$
SELECT purge_jobs(:hours);
