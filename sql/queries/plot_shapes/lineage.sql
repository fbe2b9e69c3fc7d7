-- name: lineage(id)
-- Where a plot (live or retired) came from and what was made of it: one row per parent
-- and per child, with the operation, when (done_at, and done_local: the wall-clock time in
-- the park's time zone, what pages show), by whom and why, and whether that plot is live.
SELECT 'parent' AS relation, l.parent_id AS id, r.code, r.name, r.area_m2, o.kind,
       o.done_at, o.done_at AT TIME ZONE park_timezone(o.park_id) AS done_local, o.done_by,
       o.reason, false AS live
FROM plot_lineage l JOIN retired_plots r ON r.id = l.parent_id
JOIN plot_operations o ON o.id = l.operation_id
WHERE l.child_id = :id
UNION ALL
SELECT 'child', l.child_id, coalesce(p.code, r.code), coalesce(p.name, r.name),
       coalesce(p.area_m2, r.area_m2), o.kind, o.done_at,
       o.done_at AT TIME ZONE park_timezone(o.park_id), o.done_by, o.reason, p.id IS NOT NULL
FROM plot_lineage l JOIN plot_operations o ON o.id = l.operation_id
LEFT JOIN plots p ON p.id = l.child_id LEFT JOIN retired_plots r ON r.id = l.child_id
WHERE l.parent_id = :id
ORDER BY relation DESC, code;
