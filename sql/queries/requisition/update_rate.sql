-- name: update_rate(id, version, land_price_yuan_mu, crop_yuan_mu, special_crop_yuan_mu, house_yuan_m2, social_security_yuan_mu)$
-- Change one row of the rate table if nobody changed it since `version`.
UPDATE compensation_rates
SET land_price_yuan_mu = :land_price_yuan_mu, crop_yuan_mu = :crop_yuan_mu,
    special_crop_yuan_mu = :special_crop_yuan_mu, house_yuan_m2 = :house_yuan_m2,
    social_security_yuan_mu = :social_security_yuan_mu
WHERE id = :id AND version = :version
RETURNING version;
