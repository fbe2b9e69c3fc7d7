-- name: by_code(code)^
-- A park's id by its code.
SELECT id FROM parks WHERE code = :code;
