-- name: zone_of_park(zone_id, plot_id)$
-- Whether a zone belongs to the park of a plot.
SELECT EXISTS (SELECT 1 FROM zones z JOIN plots p ON p.park_id = z.park_id
               WHERE z.id = :zone_id AND p.id = :plot_id);
