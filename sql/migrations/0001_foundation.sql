-- 0001 foundation: extensions and the park table.
-- A shipped migration never changes (sql/migrations/shipped.sha256); functions,
-- triggers and views live in sql/source and bind themselves to these tables.

CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE IF NOT EXISTS parks (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code text NOT NULL UNIQUE CONSTRAINT parks_code_format CHECK (code ~ '^[A-Za-z0-9_-]{1,32}$'),
  name text NOT NULL CHECK (btrim(name) <> ''),
  name_en text,
  -- CGCS2000 3-degree Gauss-Krüger zone of the park (DESIGN §3); all areas use it.
  gk_zone integer NOT NULL CONSTRAINT parks_gk_zone_range CHECK (gk_zone BETWEEN 25 AND 45),
  gk_epsg integer GENERATED ALWAYS AS (4534 + gk_zone - 25) STORED,
  gk_epsg_prefixed integer GENERATED ALWAYS AS (4513 + gk_zone - 25) STORED,
  -- DEFAULT park_default_settings(), bound by sql/source/01_settings.sql
  settings jsonb NOT NULL DEFAULT '{}'
    CONSTRAINT parks_settings_object CHECK (jsonb_typeof(settings) = 'object'),
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now()
);
