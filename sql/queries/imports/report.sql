-- name: report(refuse, reasons, repaired_note)^
-- The report of a commit (or of what it would do), built here, not feature by feature in
-- Python (100 000 features: seconds): the count of each action, the repaired count, and
-- the per-feature rows as ONE JSON text in file order: n, where (place), code, action,
-- reasons — texts as app.imports.incoming.dump writes them. `reasons`: {"n": [text, …]}
-- of the features with problems; `refuse`: the file is refused (then nothing is written:
-- a feature is refused for its problems, or not written).
WITH r AS (
  SELECT s.n, s.place, s.code, s.repaired,
         CASE WHEN :refuse THEN CASE WHEN :reasons::jsonb ? s.n::text THEN 'refused'
                                     ELSE 'not_written' END
              WHEN s.action = 'insert' THEN 'inserted' WHEN s.action = 'update' THEN 'updated'
              ELSE 'skipped' END AS action,
         CASE WHEN s.repaired THEN jsonb_build_array(:repaired_note::jsonb) ELSE '[]' END
           || coalesce(:reasons::jsonb -> s.n::text, '[]') AS reasons
  FROM import_stage s)
SELECT (SELECT coalesce(jsonb_object_agg(c.action, c.k), '{}')
        FROM (SELECT action, count(*) AS k FROM r GROUP BY action) c) AS counts,
       (SELECT count(*) FROM r WHERE r.repaired) AS repaired,
       (SELECT coalesce(json_agg(json_build_object('n', r.n, 'where', r.place, 'code', r.code,
                                                   'action', r.action, 'reasons', r.reasons)
                                 ORDER BY r.n), '[]')::text FROM r) AS rows;
