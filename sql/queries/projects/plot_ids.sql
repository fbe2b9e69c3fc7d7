-- name: plot_ids(park_id, plot_ids)
-- Which of these plot ids are plots of the park (the others are refused by name).
SELECT id, code FROM plots WHERE park_id = :park_id AND id = ANY (:plot_ids::int[]) ORDER BY code;
