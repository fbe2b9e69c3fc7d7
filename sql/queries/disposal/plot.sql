-- name: plot(plot_id)^
-- What the disposal form shows of a plot: its code, version, land price, today and the fee
-- share of the park's settings, the current disposal.
SELECT p.id, p.park_id, p.code, p.name, p.version, p.land_price, p.land_user, p.disposal,
       p.disposal_on, p.disposal_note, park_today(p.park_id) AS today,
       (park_settings(p.park_id) #>> '{idle,idle_fee_share}')::float8 AS fee_share
FROM plots p WHERE p.id = :plot_id;
