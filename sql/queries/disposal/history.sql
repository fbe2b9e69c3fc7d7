-- name: history(plot_id)
-- A plot's decisions, the latest first.
SELECT id, kind, decided_on, deadline_on, amount, doc_no, note, recorded_by, recorded_at
FROM plot_disposals WHERE plot_id = :plot_id ORDER BY decided_on DESC, id DESC;
