-- name: problems(park_id, layer, types, mode, zone_id)
-- Every problem of the staged features, set-based: (n, field, kind, detail). Kinds:
-- empty, wrong_type, invalid (ST_IsValidDetail's reason and location in lon/lat),
-- duplicate_in_file, duplicate_in_park (a code the park has, when inserting; when replacing
-- in a zone, a code the park has outside it), overlap (with a live plot of the park that
-- the import does not replace, or another feature of the file, beyond the park setting
-- editing.max_overlap_m2, GK m²; staged_plot_overlaps()), area (the GK area differs from the declared one by more
-- than 1 %), land_class (not a GB/T 21010 code), zone (not a zone code of the park).
WITH s AS (
  SELECT n, code, vals, declared_m2, geom, geom_gk,
         geom IS NOT NULL AND NOT ST_IsEmpty(geom) AS present,
         geom IS NOT NULL AND NOT ST_IsEmpty(geom) AND GeometryType(geom) = ANY (:types::text[])
           AS typed
  FROM import_stage),
-- the features fit for the spatial checks (by number: the joins read the table itself,
-- whose GiST index serves them)
valid AS MATERIALIZED (SELECT n FROM s WHERE typed AND ST_IsValid(geom)),
zone AS (SELECT geom_gk FROM zones WHERE id = :zone_id),
existing AS (
  SELECT code, ST_PointOnSurface(geom_gk) AS spot FROM plots
  WHERE :layer = 'plots' AND park_id = :park_id
  UNION ALL
  SELECT code, NULL FROM zones WHERE :layer = 'zones' AND park_id = :park_id)
SELECT n, field, kind, detail FROM (
  SELECT n, 'geometry' AS field, 'empty' AS kind, NULL::jsonb AS detail FROM s WHERE NOT present
  UNION ALL
  SELECT n, 'geometry', 'wrong_type', jsonb_build_object('type', GeometryType(geom))
  FROM s WHERE present AND NOT typed
  UNION ALL
  SELECT n, 'geometry', 'invalid', jsonb_build_object(
    'reason', d.reason, 'lon', round(ST_X(d.location)::numeric, 7),
    'lat', round(ST_Y(d.location)::numeric, 7))
  FROM s CROSS JOIN LATERAL ST_IsValidDetail(s.geom) d WHERE s.typed AND NOT d.valid
  UNION ALL
  SELECT n, 'code', 'duplicate_in_file', jsonb_build_object('code', code, 'first', first_n)
  FROM (SELECT n, code, min(n) OVER (PARTITION BY code) AS first_n FROM import_stage
        WHERE code IS NOT NULL) x WHERE n > first_n
  UNION ALL
  SELECT s.n, 'code', 'duplicate_in_park', jsonb_build_object('code', s.code)
  FROM import_stage s JOIN existing e ON e.code = s.code
  WHERE :mode = 'insert' OR (:mode = 'replace' AND NOT EXISTS (
    SELECT 1 FROM zone z WHERE ST_Intersects(z.geom_gk, e.spot)))
  UNION ALL
  -- the overlap rule, with the park's plots the import keeps and within the file: the
  -- rule's own check, which its statement trigger trusts for an insert of these very plots
  -- (staged_plot_overlaps(), sql/source/02_features.sql)
  SELECT o.n, 'geometry', o.kind, o.detail
  FROM staged_plot_overlaps(:park_id, :mode, :zone_id) o WHERE :layer = 'plots'
  UNION ALL
  SELECT s.n, 'declared_area', 'area', jsonb_build_object(
    'declared_m2', round(declared_m2::numeric, 2), 'measured_m2', round(ST_Area(geom_gk)::numeric, 2),
    'ratio', round((ST_Area(geom_gk) / declared_m2)::numeric, 4))
  FROM s JOIN valid v ON v.n = s.n
  WHERE declared_m2 > 0 AND abs(ST_Area(geom_gk) - declared_m2) > 0.01 * declared_m2
  UNION ALL
  SELECT n, 'land_class', 'land_class', jsonb_build_object('code', vals ->> 'land_class')
  FROM import_stage s WHERE vals ? 'land_class'
    AND NOT EXISTS (SELECT 1 FROM land_classes c WHERE c.code = s.vals ->> 'land_class')
  UNION ALL
  SELECT n, 'zone', 'zone', jsonb_build_object('code', vals ->> 'zone')
  FROM import_stage s WHERE vals ? 'zone' AND NOT EXISTS (
    SELECT 1 FROM zones z WHERE z.park_id = :park_id AND z.code = s.vals ->> 'zone')
) problems
ORDER BY n, field, kind;
