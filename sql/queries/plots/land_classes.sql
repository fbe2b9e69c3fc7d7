-- name: land_classes()
-- The GB/T 21010 land classes a plot form offers, by code.
SELECT code, name_zh, name_en FROM land_classes ORDER BY code;
