-- name: insert_compensation_rates(park_id, rates)$
-- The compensation rate table from a JSON array of rows.
WITH ins AS (
  INSERT INTO compensation_rates (park_id, price_zone, land_group, land_price_yuan_mu,
    crop_yuan_mu, special_crop_yuan_mu, house_yuan_m2, social_security_yuan_mu)
  SELECT :park_id, r.price_zone, r.land_group, r.land_price_yuan_mu, coalesce(r.crop_yuan_mu, 0),
         coalesce(r.special_crop_yuan_mu, 0), coalesce(r.house_yuan_m2, 0),
         coalesce(r.social_security_yuan_mu, 0)
  FROM jsonb_populate_recordset(NULL::compensation_rates, :rates::jsonb) AS r
  RETURNING 1)
SELECT count(*) FROM ins;
