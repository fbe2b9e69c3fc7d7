-- name: flag(park_id, id, as_of)^
-- One project's flag, days behind and reasons as of a date (NULL: the park's today).
SELECT flag, days_behind, reasons FROM project_flags(:park_id, :as_of::date)
WHERE project_id = :id;
