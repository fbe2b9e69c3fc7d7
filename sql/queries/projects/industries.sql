-- name: industries()
-- The GB/T 4754-2017 divisions a project's industry may be in, with their names.
SELECT code, name_zh, name_en FROM industries ORDER BY code;
