-- A bulk write (a `parkatlas load`, an import) of a feature table is audited by ONE entry
-- per statement instead of a copy of every row (issue 13, benchmark): where it came from
-- (the import run and file, or the loaded folder) and the ids it wrote. The rows' content
-- is the file's. A record's history finds the entry by its id in row_ids.
ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS source text;
ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS row_ids integer[];
CREATE INDEX IF NOT EXISTS audit_log_row_ids_idx ON audit_log USING gin (row_ids)
  WHERE row_ids IS NOT NULL;
