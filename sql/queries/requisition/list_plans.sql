-- name: list_plans(park_id)
-- Every plan of a park (or of all parks), newest first, with its current version's size.
SELECT rp.id, rp.park_id, pk.code AS park_code, rp.name, rp.status, rp.current_version,
       rp.created_by, rp.created_at, rp.updated_at, rp.version,
       (SELECT count(*) FROM plan_plots pp
        WHERE pp.plan_id = rp.id AND pp.plan_version = rp.current_version) AS plot_count,
       (SELECT coalesce(sum(p.area_m2), 0) FROM plan_plots pp JOIN plots p ON p.id = pp.plot_id
        WHERE pp.plan_id = rp.id AND pp.plan_version = rp.current_version) AS area_m2
FROM requisition_plans rp JOIN parks pk ON pk.id = rp.park_id
WHERE :park_id::int IS NULL OR rp.park_id = :park_id
ORDER BY rp.updated_at DESC, rp.id DESC;
