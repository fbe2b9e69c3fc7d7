-- Requisition plans (DESIGN §4.8): frozen versions and the geometry they submit.

-- A frozen version never changes, besides being approved: its result and dates stay.
CREATE OR REPLACE FUNCTION plan_version_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'draft' THEN
    RETURN NEW;
  END IF;
  IF NEW.status = 'approved' AND OLD.status = 'submitted'
     AND NEW.result = OLD.result AND NEW.submitted_at = OLD.submitted_at THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'version % of plan % is % and cannot change; edit the plan to start a new version',
    OLD.version_no, OLD.plan_id, OLD.status
    USING ERRCODE = 'check_violation';
END;
$$;

CREATE OR REPLACE TRIGGER plan_versions_frozen BEFORE UPDATE ON plan_versions
  FOR EACH ROW EXECUTE FUNCTION plan_version_frozen();

-- The plots of a submitted or approved version cannot be added, removed or changed (a
-- plan with a frozen version is therefore not deletable either: app/requisition.py says so).
CREATE OR REPLACE FUNCTION plan_plots_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  r record := CASE WHEN TG_OP = 'INSERT' THEN NEW ELSE OLD END;
  frozen text;
BEGIN
  SELECT status INTO frozen FROM plan_versions
  WHERE plan_id = r.plan_id AND version_no = r.plan_version AND status <> 'draft';
  -- a deleted plot leaves the frozen version's row (its snapshot keeps code and geometry)
  IF TG_OP = 'UPDATE' AND NEW.plot_id IS NULL AND NEW.plan_id = OLD.plan_id
     AND NEW.plan_version = OLD.plan_version AND NEW.snapshot IS NOT DISTINCT FROM OLD.snapshot
     AND NEW.geom IS NOT DISTINCT FROM OLD.geom THEN
    RETURN NEW;
  END IF;
  IF frozen IS NOT NULL THEN
    RAISE EXCEPTION 'version % of plan % is % and its plots cannot change; edit the plan to start a new version',
      r.plan_version, r.plan_id, frozen
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;

CREATE OR REPLACE TRIGGER plan_plots_frozen BEFORE INSERT OR UPDATE OR DELETE ON plan_plots
  FOR EACH ROW EXECUTE FUNCTION plan_plots_frozen();

-- A plot's geometry as a plan submits it: on the 0.1 mm grid of the 报批坐标 file
-- (coordinates written with 4 decimals), so areas computed from it are the areas the
-- land bureau recomputes from the file.
CREATE OR REPLACE FUNCTION plan_geometry(g geometry) RETURNS geometry
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
SELECT ST_SnapToGrid(g, 0.0001);
$$;
