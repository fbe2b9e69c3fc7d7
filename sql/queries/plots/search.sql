-- name: search(park_id, minx, miny, maxx, maxy, code, stage, zone, flag, serviced, as_of, limit, offset)^
-- A page of plots filtered by park, bbox, code prefix (case-insensitive), stage, zone code,
-- status flag and serviced-land flag as of a date, and how many match in all.
WITH day AS (SELECT coalesce(:as_of::date, current_date) AS d),
st AS (SELECT s.* FROM parks pk CROSS JOIN day
       CROSS JOIN LATERAL plot_status_as_of(pk.id, day.d) s
       WHERE :park_id::int IS NULL OR pk.id = :park_id),
rd AS (SELECT r.* FROM parks pk CROSS JOIN day
       CROSS JOIN LATERAL plot_readiness_as_of(pk.id, day.d) r
       WHERE :park_id::int IS NULL OR pk.id = :park_id),
sel AS (
  SELECT f.id, f.park_id, f.code, f.geom,
         f.properties || jsonb_build_object(
           'stage', st.stage, 'flags', to_jsonb(st.flags), 'level', rd.level,
           'level_name', rd.level_name, 'level_name_en', rd.level_name_en,
           'serviced', rd.serviced, 'evaluated_on', st.evaluated_on) AS properties
  FROM plot_features f
  JOIN st ON st.plot_id = f.id
  JOIN rd ON rd.plot_id = f.id
  WHERE (:park_id::int IS NULL OR f.park_id = :park_id)
    AND (:minx::float8 IS NULL OR ST_Intersects(f.geom, ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4490)))
    AND (:code::text IS NULL OR starts_with(upper(f.code), upper(:code)))
    AND (:stage::text IS NULL OR st.stage = :stage)
    AND (:zone::text IS NULL OR f.zone_code = :zone)
    AND (:flag::text IS NULL OR :flag = ANY (st.flags))
    AND (:serviced::boolean IS NULL OR rd.serviced = :serviced)
)
SELECT (SELECT count(*) FROM sel) AS matched,
       coalesce((SELECT json_agg(json_build_object(
                   'type', 'Feature', 'id', f.id,
                   'geometry', ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Transform(f.geom, 4326)), 9)::json,
                   'properties', f.properties) ORDER BY f.park_id, f.code)
                 FROM (SELECT * FROM sel ORDER BY park_id, code LIMIT :limit OFFSET :offset) AS f),
                '[]') AS features;
