-- name: park_version(code)^
-- A park's id and its data version (the version in its tiles' URLs), by its code.
SELECT id, code, data_version AS version FROM parks WHERE code = :code;
