-- Issue 13, benchmark: the record of an import's own check of the overlap rule.
--
-- An import's staging checks the overlap rule for its plots (staged_plot_overlaps(),
-- sql/source/02_features.sql); the rule's statement trigger trusts that check for the same
-- rows in the same transaction instead of repeating it. The record lives in a schema the
-- app's role has no privileges on (sql/grants.sql grants on public only): only the
-- SECURITY DEFINER check writes it, so no writer can claim a check it did not make.
CREATE SCHEMA IF NOT EXISTS parkatlas_private;
REVOKE ALL ON SCHEMA parkatlas_private FROM PUBLIC;
CREATE UNLOGGED TABLE IF NOT EXISTS parkatlas_private.overlap_checks (
  xact xid8 PRIMARY KEY,           -- the transaction that checked
  park_id integer NOT NULL,
  max_overlap_m2 double precision NOT NULL,  -- the tolerance the check used
  digests text[] NOT NULL          -- md5 of the EWKB of each checked GK geometry (multi)
);
