-- name: get_plan(id)^
-- One plan with its park's name and GK CRS.
SELECT rp.*, pk.code AS park_code, pk.name AS park_name, pk.gk_zone,
       pk.gk_epsg_prefixed AS gk_epsg,
       coalesce(pk.settings ->> 'organisation', pk.name || '管理委员会') AS organisation
FROM requisition_plans rp JOIN parks pk ON pk.id = rp.park_id
WHERE rp.id = :id;
