-- 0034 park answers (issue 14): whole-park answers (the status summary, the infrastructure
-- priority) kept per park, kind and date for the park's data version they were computed
-- from. parks.data_version (0029) moves on with every edit that can change them, so a row
-- of an older version is never read again (the next computation replaces it); the rules
-- and reference tables that are not a park's data clear the table (sql/source/10_upkeep.sql).

CREATE TABLE IF NOT EXISTS park_answers (
  park_id integer NOT NULL REFERENCES parks (id) ON DELETE CASCADE,
  kind text NOT NULL,
  as_of date NOT NULL,
  data_version bigint NOT NULL,
  -- the answer as the API sends it (JSON text): sent as it is, never parsed again
  body text NOT NULL,
  seconds double precision NOT NULL,
  computed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (park_id, kind, as_of)
);
