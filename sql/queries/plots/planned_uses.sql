-- name: planned_uses()
-- The planned uses (规划用途) a plot form offers, by code.
SELECT code, name_zh, name_en FROM planned_uses ORDER BY code;
