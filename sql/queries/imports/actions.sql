-- name: actions()
-- What the commit did with each staged feature (insert, update, skip), in file order.
SELECT n, code, action FROM import_stage ORDER BY n;
