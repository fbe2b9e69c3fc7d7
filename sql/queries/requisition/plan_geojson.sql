-- name: plan_geojson(plan_id, version_no)^
-- The plots of a plan version as a FeatureCollection in lon/lat for the plan's map.
SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
         'type', 'Feature', 'id', p.id,
         'geometry', ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Transform(coalesce(p.geom, pp.geom), 4326)), 9)::json,
         'properties', json_build_object('code', coalesce(p.code, pp.snapshot ->> 'code'),
                                         'area_m2', coalesce(p.area_m2, (pp.snapshot ->> 'area_m2')::float8),
                                         'owner', p.owner, 'land_class', p.land_class))
         ORDER BY coalesce(p.code, pp.snapshot ->> 'code')), '[]')) AS collection
FROM plan_plots pp LEFT JOIN plots p ON p.id = pp.plot_id
WHERE pp.plan_id = :plan_id AND pp.plan_version = :version_no;
