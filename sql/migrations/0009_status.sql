-- 0009 status: tables and indexes of the status rules (the rules: sql/source).
--
-- geom_gk moves to the zone-prefixed GK CRS (EPSG 4513+; easting = zone·10⁶ + 500 000):
-- areas and distances are identical, and parks in different zones no longer share
-- coordinates, so a spatial index never offers one park's features to another's query.

-- Re-project stored metric copies made by the earlier trigger (idempotent).
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['zones', 'plots', 'roads', 'networks', 'price_zones'] LOOP
    EXECUTE format('ALTER TABLE %I DISABLE TRIGGER USER', t);
    EXECUTE format('UPDATE %I x SET geom_gk = ST_Transform(x.geom, p.gk_epsg_prefixed)
                    FROM parks p WHERE p.id = x.park_id
                      AND ST_SRID(x.geom_gk) <> p.gk_epsg_prefixed', t);
    EXECUTE format('ALTER TABLE %I ENABLE TRIGGER USER', t);
  END LOOP;
END $$;

-- A project may claim part of a plot; NULL claims the whole plot.
ALTER TABLE project_plots ADD COLUMN IF NOT EXISTS claimed_area_m2 double precision
  CHECK (claimed_area_m2 > 0);

-- Road pieces: a road centreline crosses the park, so its bounding box would offer a
-- spatial index thousands of plots. The readiness rule reads roads as pieces of at most
-- 200 m along the line, each with a tight box. They are derived data, kept by the
-- triggers of sql/source/07_road_pieces.sql and rebuilt from scratch by rebuild_road_pieces().
CREATE TABLE IF NOT EXISTS road_pieces (
  road_id integer NOT NULL REFERENCES roads (id) ON DELETE CASCADE,
  park_id integer NOT NULL,
  status text NOT NULL,
  planned_completion date,
  geom_gk geometry NOT NULL
);
CREATE INDEX IF NOT EXISTS road_pieces_road_idx ON road_pieces (road_id);
-- SP-GiST: a third faster than GiST for the plot-by-plot "pieces within 30 m" search
DROP INDEX IF EXISTS road_pieces_gk_idx;
CREATE INDEX IF NOT EXISTS road_pieces_gk_spidx ON road_pieces USING spgist (geom_gk);

-- The readiness rule asks for the nearest in-service feature of one utility in one park.
-- One partial GiST index per utility (2.5× faster than one over all utilities, whose
-- pages mix them), over (park, geometry): btree_gist adds park_id, so a park without that
-- utility never walks through a neighbouring park's features. A KNN search computes the
-- distance to every entry of each page it visits: pages built a fifth full (fillfactor
-- 20) halve its cost. The fillfactor holds when an index is built, and inserts fill the
-- pages up again, so rebuild_knn_indexes() rebuilds them (the nightly recompute does).
CREATE EXTENSION IF NOT EXISTS btree_gist;
DROP INDEX IF EXISTS networks_park_utility_gk_idx;
DROP INDEX IF EXISTS roads_park_gk_idx;
DROP INDEX IF EXISTS networks_in_service_gk_idx;
DROP INDEX IF EXISTS networks_pending_gk_idx;
DROP INDEX IF EXISTS roads_in_service_gk_idx;
DROP INDEX IF EXISTS networks_knn_idx;
DROP INDEX IF EXISTS roads_knn_idx;
DO $$
DECLARE u text;
BEGIN
  FOREACH u IN ARRAY ARRAY['water', 'drainage', 'power', 'telecom', 'gas', 'heat'] LOOP
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON networks USING gist (park_id, geom_gk) '
                   'WITH (fillfactor = 20) WHERE status = ''in_service'' AND utility = %L',
                   'networks_' || u || '_knn_idx', u);
  END LOOP;
END $$;
CREATE INDEX IF NOT EXISTS road_pieces_knn_idx ON road_pieces USING gist (park_id, geom_gk)
  WITH (fillfactor = 20) WHERE status = 'in_service';

ALTER TABLE plot_readiness ADD COLUMN IF NOT EXISTS level_name_en text;

-- Every recompute rewrites every row of the results. Pages left half empty take the new
-- version of each of their rows (a HOT update: no new index entries, and the old version
-- is pruned within the page), so the tables keep their size run after run; with full
-- pages each rewrite also grew both indexes and the table until a vacuum.
ALTER TABLE plot_status SET (fillfactor = 45);
ALTER TABLE plot_readiness SET (fillfactor = 45);
