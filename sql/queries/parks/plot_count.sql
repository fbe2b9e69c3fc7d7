-- name: plot_count(park)$
-- How many plots a park has (the map chooses vector tiles from a size on).
SELECT count(*) FROM plots WHERE park_id = :park;
