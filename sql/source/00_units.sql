-- Units of DESIGN §3, written once: 1 亩 = 10000/15 m², 1 公顷 = 10000 m². Plain SQL
-- expressions, IMMUTABLE: PostgreSQL inlines them, so they cost what the arithmetic does.
-- (app/crs.py holds the same two constants for Python.)

-- Square metres to 亩.
CREATE OR REPLACE FUNCTION m2_to_mu(area_m2 double precision) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT area_m2 * 15 / 10000;
$$;

-- Square metres to hectares (公顷).
CREATE OR REPLACE FUNCTION m2_to_ha(area_m2 double precision) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT area_m2 / 10000;
$$;
