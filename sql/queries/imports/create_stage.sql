-- name: create_stage#
-- The staging table of one import: a temporary table dropped at the end of the transaction
-- that fills, validates and commits it. n numbers the features in file order; vals holds
-- the mapped values (column → value), declared_m2 the declared area converted to m²; wkb
-- the geometry as read, geom it in CGCS2000, geom_gk in the park's GK CRS; place how
-- messages name the feature (a Text as app.imports.incoming.dump writes it), for the report;
-- layer the source layer of a feature when the read took several (a drawing's CAD layers).
CREATE TEMPORARY TABLE import_stage (
  n integer PRIMARY KEY,
  code text,
  vals jsonb NOT NULL,
  declared_m2 double precision,
  wkb bytea,
  geom geometry,
  geom_gk geometry,
  repaired boolean NOT NULL DEFAULT false,
  action text,
  place jsonb,
  layer text
) ON COMMIT DROP;
