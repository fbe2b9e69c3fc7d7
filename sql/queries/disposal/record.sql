-- name: record(plot_id, version, kind, decided_on, deadline_on, amount, doc_no, note)^
-- Record a decision on a plot if nobody changed the plot since `version` was read: the
-- plot's current disposal becomes this one (a 限期动工 keeps its new deadline as the
-- disposal date, the others their decision date) and the record is kept. One statement:
-- no record without its plot, no plot change without its record. No row: stale or gone.
WITH plot AS (
  UPDATE plots SET disposal = :kind, disposal_on = coalesce(:deadline_on::date, :decided_on::date),
                   disposal_note = :note
  WHERE id = :plot_id AND version = :version
  RETURNING id, park_id, version)
INSERT INTO plot_disposals (park_id, plot_id, kind, decided_on, deadline_on, amount, doc_no,
                            note, recorded_by)
SELECT plot.park_id, plot.id, :kind, :decided_on::date, :deadline_on::date, :amount::float8,
       :doc_no, :note, audit_actor()
FROM plot
RETURNING id, (SELECT version FROM plot) AS version;
