-- Projects: a project's plots are in its own park.

-- A project's plots must be in its own park.
CREATE OR REPLACE FUNCTION check_project_plot_park() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT park_id FROM projects WHERE id = NEW.project_id)
     IS DISTINCT FROM (SELECT park_id FROM plots WHERE id = NEW.plot_id) THEN
    RAISE EXCEPTION 'project % and plot % belong to different parks', NEW.project_id, NEW.plot_id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;

CREATE OR REPLACE TRIGGER project_plots_same_park BEFORE INSERT OR UPDATE ON project_plots
  FOR EACH ROW EXECUTE FUNCTION check_project_plot_park();
