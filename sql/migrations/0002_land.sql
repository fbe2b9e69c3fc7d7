-- 0002 land: zones, plots, roads, utility networks and price zones.
-- geom is the stored CGCS2000 geometry; geom_gk is its copy in the park's GK CRS, kept by
-- the set_geom_gk trigger; both carry GiST indexes.

CREATE TABLE IF NOT EXISTS zones (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  park_id integer NOT NULL REFERENCES parks (id) ON DELETE CASCADE,
  code text NOT NULL CHECK (btrim(code) <> ''),
  name text NOT NULL,
  name_en text,
  admitted_industries text[] NOT NULL DEFAULT '{}',
  geom geometry(MultiPolygon, 4490) NOT NULL,
  geom_gk geometry(MultiPolygon) NOT NULL,
  version integer NOT NULL DEFAULT 1,
  UNIQUE (park_id, code)
);

CREATE TABLE IF NOT EXISTS plots (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  park_id integer NOT NULL REFERENCES parks (id) ON DELETE CASCADE,
  zone_id integer REFERENCES zones (id) ON DELETE SET NULL,
  code text NOT NULL CONSTRAINT plots_code_format CHECK (code ~ '^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$'),
  name text,
  land_class text CONSTRAINT plots_land_class_format CHECK (land_class ~ '^[0-9]{4}[A-Z]?$'),
  planned_use text CONSTRAINT plots_planned_use_format CHECK (planned_use ~ '^[0-9]{2,6}$'),
  owner text,
  owner_type text NOT NULL DEFAULT 'collective' CHECK (owner_type IN ('collective', 'state')),
  price_zone text,
  levelled boolean NOT NULL DEFAULT false,
  special_crop boolean NOT NULL DEFAULT false,
  house_floor_area_m2 double precision NOT NULL DEFAULT 0 CHECK (house_floor_area_m2 >= 0),
  -- lifecycle events (DESIGN §4.1): the stage is derived from these, never typed in
  approved_on date,
  requisitioned_on date,
  banked_on date,
  supplied_on date,
  agreed_start_on date,
  delivered_on date,
  started_on date,
  completed_on date,
  operating_on date,
  supply_method text CHECK (supply_method IN ('sale', 'allocation')),
  land_price double precision CHECK (land_price >= 0),                  -- 万元
  planned_investment double precision CHECK (planned_investment >= 0),  -- 万元
  actual_investment double precision CHECK (actual_investment >= 0),    -- 万元
  planned_floor_area_m2 double precision CHECK (planned_floor_area_m2 >= 0),
  floor_area_m2 double precision CHECK (floor_area_m2 >= 0),
  high_floor_area_m2 double precision CHECK (high_floor_area_m2 >= 0),
  building_footprint_m2 double precision CHECK (building_footprint_m2 >= 0),
  structure_footprint_m2 double precision CHECK (structure_footprint_m2 >= 0),
  open_storage_m2 double precision CHECK (open_storage_m2 >= 0),
  admin_living_area_m2 double precision CHECK (admin_living_area_m2 >= 0),
  developed_area_m2 double precision CHECK (developed_area_m2 >= 0),
  annual_tax double precision,                                          -- 万元
  annual_output double precision,                                       -- 万元
  suspended_since date,
  government_cause text CHECK (government_cause IN ('late_delivery', 'plan_change',
    'policy_change', 'petition', 'military_heritage', 'government_action', 'force_majeure')),
  government_cause_note text,
  disposal text CHECK (disposal IN ('deadline', 'fee', 'reclaimed', 'agreement', 'exchange')),
  disposal_on date,
  disposal_note text,
  geom geometry(MultiPolygon, 4490) NOT NULL,
  geom_gk geometry(MultiPolygon) NOT NULL,
  -- computed after the BEFORE trigger has set geom_gk, in the park's GK CRS
  area_m2 double precision GENERATED ALWAYS AS (ST_Area(geom_gk)) STORED,
  version integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (park_id, code),
  CONSTRAINT plots_disposal_dated CHECK ((disposal IS NULL) = (disposal_on IS NULL)),
  CONSTRAINT plots_cause_noted CHECK (government_cause IS NULL OR government_cause_note IS NOT NULL)
);

CREATE TABLE IF NOT EXISTS roads (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  park_id integer NOT NULL REFERENCES parks (id) ON DELETE CASCADE,
  name text NOT NULL,
  class text NOT NULL DEFAULT 'branch' CHECK (class IN ('arterial', 'secondary', 'branch')),
  width_m double precision CHECK (width_m > 0),
  status text NOT NULL CHECK (status IN ('planned', 'under_construction', 'in_service')),
  planned_completion date,
  geom geometry(MultiLineString, 4490) NOT NULL,
  geom_gk geometry(MultiLineString) NOT NULL,
  version integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS networks (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  park_id integer NOT NULL REFERENCES parks (id) ON DELETE CASCADE,
  utility text NOT NULL CHECK (utility IN ('water', 'drainage', 'power', 'telecom', 'gas', 'heat')),
  subtype text,
  name text,
  status text NOT NULL CHECK (status IN ('planned', 'under_construction', 'in_service')),
  planned_completion date,
  -- lines, or points for facilities such as substations
  geom geometry(Geometry, 4490) NOT NULL
    CONSTRAINT networks_geom_type CHECK (GeometryType(geom) IN ('MULTILINESTRING', 'POINT')),
  geom_gk geometry(Geometry) NOT NULL,
  version integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS price_zones (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  park_id integer NOT NULL REFERENCES parks (id) ON DELETE CASCADE,
  code text NOT NULL,
  name text,
  geom geometry(MultiPolygon, 4490) NOT NULL,
  geom_gk geometry(MultiPolygon) NOT NULL,
  version integer NOT NULL DEFAULT 1,
  UNIQUE (park_id, code)
);

CREATE INDEX IF NOT EXISTS zones_geom_idx ON zones USING gist (geom);
CREATE INDEX IF NOT EXISTS zones_geom_gk_idx ON zones USING gist (geom_gk);
CREATE INDEX IF NOT EXISTS plots_geom_idx ON plots USING gist (geom);
CREATE INDEX IF NOT EXISTS plots_geom_gk_idx ON plots USING gist (geom_gk);
CREATE INDEX IF NOT EXISTS plots_park_idx ON plots (park_id);
CREATE INDEX IF NOT EXISTS plots_zone_idx ON plots (zone_id);
CREATE INDEX IF NOT EXISTS plots_code_idx ON plots (park_id, upper(code) text_pattern_ops);
CREATE INDEX IF NOT EXISTS roads_geom_idx ON roads USING gist (geom);
CREATE INDEX IF NOT EXISTS roads_geom_gk_idx ON roads USING gist (geom_gk);
CREATE INDEX IF NOT EXISTS roads_park_idx ON roads (park_id);
CREATE INDEX IF NOT EXISTS networks_geom_idx ON networks USING gist (geom);
CREATE INDEX IF NOT EXISTS networks_geom_gk_idx ON networks USING gist (geom_gk);
CREATE INDEX IF NOT EXISTS networks_park_utility_idx ON networks (park_id, utility);
CREATE INDEX IF NOT EXISTS price_zones_geom_idx ON price_zones USING gist (geom);
CREATE INDEX IF NOT EXISTS price_zones_geom_gk_idx ON price_zones USING gist (geom_gk);
