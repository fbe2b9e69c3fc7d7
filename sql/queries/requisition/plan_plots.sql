-- name: plan_plots(plan_id, version_no)
-- The plots of one plan version with everything the computation needs: land class and
-- group, owner, planned use, GK geometry (WKB) and area, and the requisition date.
-- The geometry is snapped to the 0.1 mm grid the 报批坐标 file is written on, and the
-- area is computed from it: the land bureau recomputes areas from the submitted
-- coordinates, and must find the same number (it differs from the stored area by
-- well under 0.1 m²).
SELECT p.id, p.park_id, p.code, p.name, p.land_class, lc.name_zh AS land_class_name,
       lc.land_group, p.owner, p.owner_type, p.planned_use, pu.name_zh AS planned_use_name,
       p.special_crop, p.house_floor_area_m2, ST_Area(plan_geometry(p.geom_gk)) AS area_m2,
       p.requisitioned_on, ST_AsBinary(plan_geometry(p.geom_gk)) AS wkb
FROM plan_plots pp
JOIN plots p ON p.id = pp.plot_id
LEFT JOIN land_classes lc ON lc.code = left(p.land_class, 4)
LEFT JOIN planned_uses pu ON pu.code = p.planned_use
WHERE pp.plan_id = :plan_id AND pp.plan_version = :version_no
ORDER BY p.code;
