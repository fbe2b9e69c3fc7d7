-- name: create_stage#
-- The staging tables of one import: temporary tables dropped at the end of the transaction
-- that fills, validates and commits them. import_read takes the COPY of the file's features
-- as read (geometry as WKB); import_stage holds them transformed, written once from it
-- (transform: one pass, no UPDATE of every staged row). n numbers the features in file
-- order; vals holds the mapped values (column → value), declared_m2 the declared area
-- converted to m²; geom the geometry in CGCS2000, geom_gk in the park's GK CRS; action what
-- the commit does with it ('insert' unless mark_actions says otherwise); place how messages
-- name the feature (a Text as app.imports.incoming.dump writes it), for the report; layer
-- the source layer of a feature when the read took several (a drawing's CAD layers).
CREATE TEMPORARY TABLE import_read (
  n integer NOT NULL,
  code text,
  vals jsonb NOT NULL,
  declared_m2 double precision,
  wkb bytea,
  place jsonb,
  layer text
) ON COMMIT DROP;
CREATE TEMPORARY TABLE import_stage (
  n integer PRIMARY KEY,
  code text,
  vals jsonb NOT NULL,
  declared_m2 double precision,
  geom geometry,
  geom_gk geometry,
  repaired boolean NOT NULL DEFAULT false,
  action text NOT NULL DEFAULT 'insert',
  place jsonb,
  layer text
) ON COMMIT DROP;
