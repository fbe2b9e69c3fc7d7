-- name: mark_actions(park_id, layer, mode, skip)!
-- What the commit does with each staged feature: skip it (a problem the user chose to
-- skip), update the park's record of its code (upsert, replace) or insert it (the staged
-- default: only the features to skip or to update are written again).
UPDATE import_stage s SET action = CASE WHEN s.n = ANY (:skip::int[]) THEN 'skip' ELSE 'update' END
WHERE s.n = ANY (:skip::int[])
   OR (:mode IN ('upsert', 'replace') AND s.code IS NOT NULL AND (
       (:layer = 'plots' AND EXISTS (SELECT 1 FROM plots p WHERE p.park_id = :park_id AND p.code = s.code))
    OR (:layer = 'zones' AND EXISTS (SELECT 1 FROM zones z WHERE z.park_id = :park_id AND z.code = s.code))));
