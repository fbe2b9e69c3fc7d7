-- name: plots_save(id, version, plot_ids, reason, reason_plot_ids)$
-- Make the project occupy exactly these plots of its park, if it still has the version the
-- planner read: links to other plots deleted, new ones inserted (whole-plot claims), the
-- reason given for accepting conflicts kept on the links it was given for; the project's
-- version is bumped (a concurrent marking is then stale). Every change goes through the
-- audit and recompute triggers of project_plots. Returns the new version (NULL: stale or
-- absent).
WITH bumped AS (
  UPDATE projects SET updated_at = now() WHERE id = :id AND version = :version
  RETURNING id, park_id, version),
gone AS (
  DELETE FROM project_plots pp USING bumped b
  WHERE pp.project_id = b.id AND pp.plot_id <> ALL (:plot_ids::int[])
  RETURNING pp.id),
kept AS (
  UPDATE project_plots pp SET conflict_reason = :reason
  FROM bumped b
  WHERE pp.project_id = b.id AND pp.plot_id = ANY (:reason_plot_ids::int[])
    AND pp.conflict_reason IS DISTINCT FROM :reason::text
  RETURNING pp.id),
added AS (
  INSERT INTO project_plots (project_id, plot_id, conflict_reason)
  SELECT b.id, pl.id, CASE WHEN pl.id = ANY (:reason_plot_ids::int[]) THEN :reason END
  FROM bumped b JOIN plots pl ON pl.park_id = b.park_id AND pl.id = ANY (:plot_ids::int[])
  WHERE NOT EXISTS (SELECT 1 FROM project_plots pp
                    WHERE pp.project_id = b.id AND pp.plot_id = pl.id)
  RETURNING id)
SELECT version FROM bumped;
