-- 0026 imports (issue 13): the field mappings a park saved for the next delivery from the
-- same surveyor, and the record of every import run (who, when, which file, which choices,
-- what it wrote).

CREATE TABLE IF NOT EXISTS import_mappings (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  park_id integer NOT NULL REFERENCES parks (id) ON DELETE CASCADE,
  layer text NOT NULL CHECK (layer IN ('plots', 'roads', 'networks', 'zones')),
  name text NOT NULL CONSTRAINT import_mappings_name_blank CHECK (btrim(name) <> ''),
  -- {"fields": {source field: ParkAtlas field}, "area_unit": "m2" | "mu" | "ha"}
  mapping jsonb NOT NULL CHECK (jsonb_typeof(mapping -> 'fields') = 'object'),
  saved_by text NOT NULL,
  saved_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT import_mappings_name_unique UNIQUE (park_id, layer, name)
);

CREATE TABLE IF NOT EXISTS import_runs (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  park_id integer NOT NULL REFERENCES parks (id) ON DELETE CASCADE,
  layer text NOT NULL CHECK (layer IN ('plots', 'roads', 'networks', 'zones')),
  file_name text NOT NULL,
  format text,
  actor text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  state text NOT NULL DEFAULT 'open'
    CHECK (state IN ('open', 'committed', 'refused', 'cancelled', 'dry_run')),
  -- crs, layer, encoding, mapping, treatment, mode, zone as last chosen
  choices jsonb NOT NULL DEFAULT '{}',
  -- {"inserted": n, "updated": n, "deleted": n, "skipped": n, "repaired": n}
  counts jsonb,
  -- the per-feature report rows (JSON, message ids and values for both languages)
  report jsonb,
  -- the uploaded file's temporary folder (under the instance folder) while open
  folder text
);
CREATE INDEX IF NOT EXISTS import_runs_open_idx ON import_runs (started_at) WHERE state = 'open';
