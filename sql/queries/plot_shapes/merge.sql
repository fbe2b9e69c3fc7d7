-- name: merge(ids, code)$
-- Merge adjacent plots into one coded `code`; its id.
SELECT merge_plots(:ids::integer[], :code);
