-- Geometry editing of plots (issue 10): the overlap rule, split, merge, delete, clip to
-- neighbours and code proposals, set-based in the park's GK CRS (geom_gk). The plots an
-- operation retires leave `plots` for `retired_plots`; `plot_lineage` links them to the
-- plots made from them (migration 0017). Messages with values carry them as a JSON DETAIL
-- under a constraint name that app/errors.py translates (PROBLEMS).

-- The park's overlap tolerance in m² (setting editing.max_overlap_m2).
CREATE OR REPLACE FUNCTION max_overlap_m2(p_park integer) RETURNS double precision
LANGUAGE sql STABLE AS $$
SELECT (park_settings(p_park) #>> '{editing,max_overlap_m2}')::float8;
$$;

-- The overlap rule: a plot inserted, or one whose geometry changed, may not overlap another
-- live plot of its park by more than the tolerance. One statement-level check per INSERT or
-- UPDATE (transition tables, a GiST join), so bulk loads pay one spatial join, and nothing
-- (split, merge, restore, the loader) gets around it. The first offending plot is named
-- with every plot it overlaps and by how much.
CREATE OR REPLACE FUNCTION check_plot_overlap() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE bad record;
BEGIN
  -- an import's staging checked these very plots in this transaction (its record is ended
  -- by any write of plots: staged_plot_overlaps(), overlap_check_taken(), 02_features.sql)
  IF overlap_check_pending() AND EXISTS (SELECT 1 FROM new_rows) AND overlap_check_taken(
       CASE TG_OP WHEN 'INSERT' THEN ARRAY(SELECT md5(ST_AsEWKB(geom_gk)) FROM new_rows) END,
       ARRAY(SELECT DISTINCT park_id FROM new_rows)) THEN
    RETURN NULL;
  END IF;
  EXECUTE format($q$
    WITH changed AS MATERIALIZED (%s),
    tolerance AS MATERIALIZED (
      SELECT k.park_id, max_overlap_m2(k.park_id) AS m2 FROM (SELECT DISTINCT park_id FROM changed) k),
    pairs AS (
      SELECT c.id, c.code, t.m2, o.code AS other, ST_Area(ST_Intersection(c.geom_gk, o.geom_gk)) AS area_m2
      FROM changed c JOIN tolerance t ON t.park_id = c.park_id
      JOIN plots o ON o.park_id = c.park_id AND o.id <> c.id AND ST_Intersects(o.geom_gk, c.geom_gk))
    SELECT code, m2, string_agg(format('%%s (%%s m²)', other, round(area_m2::numeric, 2)), ', ' ORDER BY other) AS listed,
           jsonb_agg(jsonb_build_object('code', other, 'area_m2', round(area_m2::numeric, 2)) ORDER BY other) AS overlaps
    FROM pairs WHERE area_m2 > m2 GROUP BY id, code, m2 ORDER BY code LIMIT 1$q$,
    CASE TG_OP WHEN 'INSERT' THEN 'SELECT id, park_id, code, geom_gk FROM new_rows'
    ELSE 'SELECT n.id, n.park_id, n.code, n.geom_gk FROM new_rows n JOIN old_rows o ON o.id = n.id
          WHERE n.geom IS DISTINCT FROM o.geom OR n.park_id <> o.park_id' END)
  INTO bad;
  IF bad.code IS NOT NULL THEN
    RAISE EXCEPTION 'plot % overlaps %', bad.code, bad.listed
      USING ERRCODE = 'check_violation', CONSTRAINT = 'plots_overlap', TABLE = 'plots',
            DETAIL = jsonb_build_object('code', bad.code, 'overlaps', bad.listed,
                                        'max', bad.m2::text, 'list', bad.overlaps)::text;
  END IF;
  RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER overlap_insert AFTER INSERT ON plots
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION check_plot_overlap();
CREATE OR REPLACE TRIGGER overlap_update AFTER UPDATE ON plots
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION check_plot_overlap();

-- The live plots of a park a geometry (CGCS2000) overlaps by more than the tolerance,
-- besides the plots in p_except (the plot being reshaped, the plots being merged).
CREATE OR REPLACE FUNCTION plot_overlaps(p_park integer, p_geom geometry, p_except integer[])
RETURNS TABLE (id integer, code text, area_m2 double precision)
LANGUAGE sql STABLE AS $$
WITH g AS (SELECT ST_Transform(ST_SetSRID(p_geom, 4490), pk.gk_epsg_prefixed) AS gk
           FROM parks pk WHERE pk.id = p_park)
SELECT o.id, o.code, a.area_m2
FROM g JOIN plots o ON o.park_id = p_park AND ST_Intersects(o.geom_gk, g.gk)
CROSS JOIN LATERAL (SELECT ST_Area(ST_Intersection(o.geom_gk, g.gk)) AS area_m2) a
WHERE o.id <> ALL (coalesce(p_except, '{}')) AND a.area_m2 > max_overlap_m2(p_park)
ORDER BY o.code;
$$;

-- Clip to neighbours: a geometry (CGCS2000) minus every live plot of the park it overlaps
-- (ST_Difference in GK), as a CGCS2000 MultiPolygon without the slivers (< 0.01 m²) and
-- spikes (narrower than 1 mm, simplified away) the difference may leave, on the 1e-9°
-- grid the API writes coordinates with and valid there; NULL when nothing is left.
CREATE OR REPLACE FUNCTION clip_to_neighbours(p_park integer, p_geom geometry, p_except integer[])
RETURNS geometry
LANGUAGE sql STABLE AS $$
WITH g AS (SELECT ST_Transform(ST_SetSRID(p_geom, 4490), pk.gk_epsg_prefixed) AS gk
           FROM parks pk WHERE pk.id = p_park),
others AS (SELECT ST_Union(o.geom_gk) AS gk FROM g JOIN plots o
           ON o.park_id = p_park AND ST_Intersects(o.geom_gk, g.gk)
           WHERE o.id <> ALL (coalesce(p_except, '{}'))),
rest AS (SELECT CASE WHEN others.gk IS NULL THEN g.gk
                     ELSE ST_CollectionExtract(ST_MakeValid(ST_SimplifyPreserveTopology(
                            ST_Difference(g.gk, others.gk), 0.001)), 3) END AS gk
         FROM g, others),
kept AS (SELECT ST_Transform(ST_Collect(d.geom), 4490) AS geom
         FROM rest CROSS JOIN LATERAL ST_Dump(rest.gk) d WHERE ST_Area(d.geom) >= 0.01)
SELECT ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SnapToGrid(kept.geom, 1e-9)), 3))
FROM kept WHERE kept.geom IS NOT NULL;
$$;

-- A code for a new plot: the block (the code without its last part) of the nearest plot
-- of the park, numbered one past the block's highest number, zero-padded like it
-- (NQ-03-12 nearest, NQ-03-15 highest → NQ-03-16). Without a plot nearby: the zone's code
-- followed by -01.
CREATE OR REPLACE FUNCTION propose_plot_code(p_park integer, p_geom geometry) RETURNS text
LANGUAGE sql STABLE AS $$
WITH g AS (SELECT ST_Transform(ST_SetSRID(p_geom, 4490), pk.gk_epsg_prefixed) AS gk
           FROM parks pk WHERE pk.id = p_park),
near AS (SELECT substring(o.code FROM '^(.*)-[0-9]+$') AS block
         FROM g, plots o WHERE o.park_id = p_park AND o.code ~ '-[0-9]+$'
         ORDER BY o.geom_gk <-> g.gk LIMIT 1),
top AS (SELECT near.block, max(substring(o.code FROM '-([0-9]+)$')::bigint) AS n,
               max(length(substring(o.code FROM '-([0-9]+)$'))) AS width
        FROM near JOIN plots o ON o.park_id = p_park AND o.code ~ ('^' || near.block || '-[0-9]+$')  -- codes are letters, digits, hyphens
        GROUP BY near.block)
SELECT coalesce(
  (SELECT top.block || '-' || lpad((top.n + 1)::text, top.width, '0') FROM top),
  (SELECT z.code || '-01' FROM g, zones z WHERE z.park_id = p_park ORDER BY z.geom_gk <-> g.gk LIMIT 1),
  'P-01');
$$;

-- The zone a geometry lies in (most of it), else the nearest zone of the park.
CREATE OR REPLACE FUNCTION propose_plot_zone(p_park integer, p_geom geometry) RETURNS integer
LANGUAGE sql STABLE AS $$
WITH g AS (SELECT ST_Transform(ST_SetSRID(p_geom, 4490), pk.gk_epsg_prefixed) AS gk
           FROM parks pk WHERE pk.id = p_park)
SELECT z.id FROM g, zones z WHERE z.park_id = p_park
ORDER BY ST_Area(ST_Intersection(z.geom_gk, g.gk)) DESC, z.geom_gk <-> g.gk LIMIT 1;
$$;

-- The columns a plot made by a split or merge takes from its parent: all but the identity,
-- the geometry and what triggers derive (so columns added later are carried too).
CREATE OR REPLACE FUNCTION plot_carried_columns() RETURNS text[]
LANGUAGE sql STABLE AS $$
SELECT array_agg(attname::text ORDER BY attnum) FROM pg_attribute
WHERE attrelid = 'plots'::regclass AND attnum > 0 AND NOT attisdropped
  AND attgenerated = '' AND attidentity = ''
  AND attname NOT IN ('geom', 'geom_gk', 'version', 'updated_at');
$$;

-- The quantities that belong to the land as a whole: money (万元) and floor, footprint and
-- developed areas. A split shares them out by GK area (the planner corrects them in the
-- plot form where a building stands on one side); a merge adds them up.
CREATE OR REPLACE FUNCTION plot_extensive_columns() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
SELECT ARRAY['land_price', 'planned_investment', 'actual_investment', 'annual_tax',
  'annual_output', 'house_floor_area_m2', 'planned_floor_area_m2', 'floor_area_m2',
  'high_floor_area_m2', 'building_footprint_m2', 'structure_footprint_m2', 'open_storage_m2',
  'admin_living_area_m2', 'developed_area_m2'];
$$;

-- A plot's columns (JSON) with its extensive quantities multiplied by a share (rounded to
-- 6 decimals: a square millimetre, a hundredth of a yuan).
CREATE OR REPLACE FUNCTION plot_share(r jsonb, share double precision) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
SELECT r || coalesce(jsonb_object_agg(c, round(((r ->> c)::numeric * share::numeric), 6)), '{}')
FROM unnest(plot_extensive_columns()) c WHERE r ->> c IS NOT NULL;
$$;

-- Replace live plots (parents) by new ones (rows of plot columns as JSON with their
-- CGCS2000 geometries), as one operation: record it, retire the parents (snapshot, then
-- delete: their status rows go with them), insert the children (the overlap rule and the
-- upkeep triggers check and recompute them), link parents and children, and carry the
-- parents' project claims and draft requisition-plan selections to the children that
-- cover them. A claim moves with the land: a project claiming x m² of a parent claims
-- x × (child ∩ parent)/parent of a child, the whole child when that covers it (NULL).
-- Submitted and approved plan versions are frozen: their rows keep their snapshot and
-- lose the plot id (ON DELETE SET NULL, allowed by plan_plots_frozen()).
-- Returns the children's ids in the order of the rows.
CREATE OR REPLACE FUNCTION replace_plots(p_kind text, p_parents integer[], p_rows jsonb[],
                                         p_geoms geometry[], p_reason text DEFAULT NULL)
RETURNS integer[]
LANGUAGE plpgsql AS $$
DECLARE
  op integer;
  cols text[] := plot_carried_columns();
  kids integer[];
  claims jsonb;
  drafts jsonb;
BEGIN
  INSERT INTO plot_operations (park_id, kind, reason, done_by)
  SELECT park_id, p_kind, nullif(btrim(p_reason), ''), audit_actor()
  FROM plots WHERE id = p_parents[1]
  RETURNING id INTO op;
  SELECT jsonb_agg(jsonb_build_object('project_id', pp.project_id, 'plot_id', pp.plot_id,
                                      'claimed', coalesce(pp.claimed_area_m2, p.area_m2)))
    INTO claims FROM project_plots pp JOIN plots p ON p.id = pp.plot_id
    WHERE pp.plot_id = ANY (p_parents);
  WITH gone AS (
    DELETE FROM plan_plots pp WHERE pp.plot_id = ANY (p_parents)
      AND NOT EXISTS (SELECT 1 FROM plan_versions v WHERE v.plan_id = pp.plan_id
                      AND v.version_no = pp.plan_version AND v.status <> 'draft')
    RETURNING pp.plan_id, pp.plan_version)
  SELECT jsonb_agg(DISTINCT jsonb_build_object('plan_id', plan_id, 'plan_version', plan_version))
    INTO drafts FROM gone;
  INSERT INTO retired_plots (id, operation_id, park_id, code, name, area_m2, snapshot, geom)
  SELECT p.id, op, p.park_id, p.code, p.name, p.area_m2, to_jsonb(p) - 'geom' - 'geom_gk', p.geom
  FROM plots p WHERE p.id = ANY (p_parents);
  DELETE FROM plots WHERE id = ANY (p_parents);
  IF coalesce(cardinality(p_rows), 0) > 0 THEN
    EXECUTE format(
      'WITH made AS (INSERT INTO plots (%s, geom)
         SELECT %s, ST_Multi(u.g) FROM unnest($1, $2) WITH ORDINALITY AS u(j, g, n)
         CROSS JOIN LATERAL jsonb_populate_record(NULL::plots, u.j) AS r ORDER BY u.n
         RETURNING id, code)
       SELECT array_agg(made.id ORDER BY u.n) FROM made
       JOIN unnest($1) WITH ORDINALITY AS u(j, n) ON u.j ->> ''code'' = made.code',
      (SELECT string_agg(quote_ident(c), ', ') FROM unnest(cols) c),
      (SELECT string_agg('r.' || quote_ident(c), ', ') FROM unnest(cols) c))
    USING p_rows, p_geoms INTO kids;
    INSERT INTO plot_lineage (operation_id, parent_id, child_id)
    SELECT op, parent, child FROM unnest(p_parents) parent, unnest(kids) child;
    INSERT INTO project_plots (project_id, plot_id, claimed_area_m2)
    SELECT c.project_id, k.id,
           CASE WHEN sum(c.claimed * c.share) >= k.area_m2 - 0.01 THEN NULL
                ELSE round(sum(c.claimed * c.share)::numeric, 6) END
    FROM plots k
    JOIN retired_plots r ON r.id = ANY (p_parents)
    CROSS JOIN LATERAL (
      SELECT (e ->> 'project_id')::integer AS project_id, (e ->> 'claimed')::float8 AS claimed,
             ST_Area(ST_Intersection(k.geom_gk, ST_Transform(r.geom, ST_SRID(k.geom_gk)))) / r.area_m2 AS share
      FROM jsonb_array_elements(coalesce(claims, '[]')) e
      WHERE (e ->> 'plot_id')::integer = r.id) c
    WHERE k.id = ANY (kids) AND c.share > 0
    GROUP BY c.project_id, k.id, k.area_m2
    HAVING sum(c.claimed * c.share) >= 0.01;
    INSERT INTO plan_plots (plan_id, plan_version, plot_id)
    SELECT (d ->> 'plan_id')::integer, (d ->> 'plan_version')::integer, k
    FROM jsonb_array_elements(coalesce(drafts, '[]')) d, unnest(kids) k
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN coalesce(kids, '{}');
END;
$$;

-- The pieces a line (CGCS2000) cuts a plot into: ST_Split of its GK geometry, as GK
-- polygons from north-west to south-east. A multipart plot's parts the line misses are
-- pieces of their own. Fewer pieces than parts + 1: the line does not cut the plot.
CREATE OR REPLACE FUNCTION split_pieces(p_id integer, p_line geometry)
RETURNS TABLE (n integer, geom_gk geometry, area_m2 double precision, share double precision)
LANGUAGE sql STABLE AS $$
WITH p AS (SELECT geom_gk, area_m2 FROM plots WHERE id = p_id),
d AS (SELECT s.geom FROM p CROSS JOIN LATERAL ST_Dump(ST_CollectionExtract(
        ST_Split(p.geom_gk, ST_Transform(ST_SetSRID(p_line, 4490), ST_SRID(p.geom_gk))), 3)) s)
SELECT (row_number() OVER (ORDER BY ST_Y(ST_PointOnSurface(d.geom)) DESC,
                                     ST_X(ST_PointOnSurface(d.geom))))::integer,
       d.geom, ST_Area(d.geom), ST_Area(d.geom) / p.area_m2
FROM d, p ORDER BY 1;
$$;

-- Split a plot with a line into the pieces, coded p_codes in the pieces' order; the
-- children inherit every attribute, extensive quantities shared by area. Returns their ids.
CREATE OR REPLACE FUNCTION split_plot(p_id integer, p_line geometry, p_codes text[])
RETURNS integer[]
LANGUAGE plpgsql AS $$
DECLARE
  p plots;
  pieces integer;
BEGIN
  SELECT * INTO p FROM plots WHERE id = p_id FOR UPDATE;
  SELECT count(*) INTO pieces FROM split_pieces(p_id, p_line);
  IF pieces <= ST_NumGeometries(p.geom_gk) THEN
    RAISE EXCEPTION 'the line does not cut plot % into pieces', p.code
      USING ERRCODE = 'check_violation', CONSTRAINT = 'plots_split_misses', TABLE = 'plots',
            DETAIL = jsonb_build_object('code', p.code)::text;
  END IF;
  IF cardinality(p_codes) IS DISTINCT FROM pieces THEN
    RAISE EXCEPTION 'plot % splits into % pieces, % codes given', p.code, pieces, cardinality(p_codes)
      USING ERRCODE = 'check_violation', CONSTRAINT = 'plots_split_codes', TABLE = 'plots',
            DETAIL = jsonb_build_object('code', p.code, 'pieces', pieces::text,
                                        'given', coalesce(cardinality(p_codes), 0)::text)::text;
  END IF;
  RETURN replace_plots('split', ARRAY[p_id],
    ARRAY(SELECT plot_share(to_jsonb(p) - 'geom' - 'geom_gk', s.share) || jsonb_build_object('code', p_codes[s.n])
          FROM split_pieces(p_id, p_line) s ORDER BY s.n),
    ARRAY(SELECT ST_Transform(s.geom_gk, 4490) FROM split_pieces(p_id, p_line) s ORDER BY s.n));
END;
$$;

-- Merge adjacent plots (each touching the rest: one cluster at 1 cm) into one coded p_code,
-- its geometry their union in GK. It takes the attributes of the first plot and the sums
-- of the extensive quantities. Returns its id.
CREATE OR REPLACE FUNCTION merge_plots(p_ids integer[], p_code text) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  first_code text;
  apart text;
  base jsonb;
  merged geometry;
BEGIN
  PERFORM 1 FROM plots WHERE id = ANY (p_ids) ORDER BY id FOR UPDATE;
  WITH c AS (SELECT id, code, ST_ClusterDBSCAN(geom_gk, eps := 0.01, minpoints := 1) OVER () AS k
             FROM plots WHERE id = ANY (p_ids))
  SELECT (SELECT code FROM c WHERE id = p_ids[1]),
         string_agg(c.code, ', ' ORDER BY c.code) FILTER (WHERE c.k <> (SELECT k FROM c WHERE id = p_ids[1]))
    INTO first_code, apart FROM c;
  IF apart IS NOT NULL THEN
    RAISE EXCEPTION 'plot % does not touch %', first_code, apart
      USING ERRCODE = 'check_violation', CONSTRAINT = 'plots_merge_apart', TABLE = 'plots',
            DETAIL = jsonb_build_object('code', first_code, 'apart', apart)::text;
  END IF;
  SELECT to_jsonb(p) - 'geom' - 'geom_gk' INTO base FROM plots p WHERE p.id = p_ids[1];
  SELECT base || coalesce(jsonb_object_agg(x.c, x.total), '{}') INTO base
  FROM (SELECT c, sum((to_jsonb(p) ->> c)::float8) AS total
        FROM plots p, unnest(plot_extensive_columns()) c WHERE p.id = ANY (p_ids)
        GROUP BY c HAVING count(to_jsonb(p) ->> c) > 0) x;
  SELECT ST_Transform(ST_Multi(ST_Union(geom_gk)), 4490) INTO merged FROM plots WHERE id = ANY (p_ids);
  RETURN (replace_plots('merge', p_ids, ARRAY[base || jsonb_build_object('code', p_code)],
                        ARRAY[merged]))[1];
END;
$$;

-- Delete a plot (admins, with a reason): it is retired like a split's parent, with no child.
CREATE OR REPLACE FUNCTION delete_plot(p_id integer, p_reason text) RETURNS void
LANGUAGE sql AS $$
SELECT replace_plots('delete', ARRAY[p_id], '{}', '{}', p_reason);
$$;

SELECT audit_table(t) FROM unnest(ARRAY['plot_operations', 'plot_lineage']::regclass[]) AS t;
