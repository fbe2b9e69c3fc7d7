-- name: list_plans(park_id, approved_only)
-- Every plan of a park (or of all parks), newest first, with the size of the version a
-- reader is shown: the current one, or with approved_only (a viewer) the last approved
-- one, leaving out plans that have none. `updated_local` is the last change in the
-- park's time zone.
WITH shown AS (
  SELECT rp.*,
         CASE WHEN :approved_only THEN (SELECT max(v.version_no) FROM plan_versions v
                                        WHERE v.plan_id = rp.id AND v.status = 'approved')
              ELSE rp.current_version END AS shown_version
  FROM requisition_plans rp
  WHERE :park_id::int IS NULL OR rp.park_id = :park_id
)
SELECT s.id, s.park_id, pk.code AS park_code, s.name,
       CASE WHEN :approved_only THEN 'approved' ELSE s.status END AS status,
       s.shown_version AS current_version, s.created_by, s.created_at, s.updated_at,
       s.updated_at AT TIME ZONE park_timezone(s.park_id) AS updated_local, s.version,
       (SELECT count(*) FROM plan_plots pp
        WHERE pp.plan_id = s.id AND pp.plan_version = s.shown_version) AS plot_count,
       (SELECT coalesce(sum(coalesce(p.area_m2, (pp.snapshot ->> 'area_m2')::float8)), 0)
        FROM plan_plots pp LEFT JOIN plots p ON p.id = pp.plot_id
        WHERE pp.plan_id = s.id AND pp.plan_version = s.shown_version) AS area_m2
FROM shown s JOIN parks pk ON pk.id = s.park_id
WHERE s.shown_version IS NOT NULL
ORDER BY s.updated_at DESC, s.id DESC;
