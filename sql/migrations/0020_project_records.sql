-- 0020 project records (issue 12): the responsible unit of a project, the reporter and the
-- row version of a progress report, and key-list tags that may be free words (省重点 and
-- "2+10" as well as the vocabulary's codes).

ALTER TABLE projects ADD COLUMN IF NOT EXISTS responsible_unit text;
ALTER TABLE progress_reports ADD COLUMN IF NOT EXISTS reporter text;
ALTER TABLE progress_reports ADD COLUMN IF NOT EXISTS version integer NOT NULL DEFAULT 1;

DO $$
DECLARE
  c record;
BEGIN
  -- a free tag: 1–50 characters, no comma, no '|', no space and no control character
  ALTER TABLE projects DROP CONSTRAINT IF EXISTS projects_tags_format;
  FOR c IN VALUES
      ('projects', 'projects_tags_format',
       $c$cardinality(tags) <= 20 AND array_position(tags, NULL) IS NULL
          AND array_to_string(tags, '|')
              ~ '^([^|,\s\u3000\u0001-\u001f\u007f-\u009f\u2028\u2029]{1,50}(\||$))*$'$c$),
      -- people and units, like the person columns of migration 0014
      ('projects', 'projects_responsible_unit_length', 'char_length(responsible_unit) <= 100'),
      ('projects', 'projects_responsible_unit_line',
       $c$responsible_unit !~ '[\u0001-\u001f\u007f-\u009f\u2028\u2029]'$c$),
      ('progress_reports', 'progress_reports_reporter_length', 'char_length(reporter) <= 100'),
      ('progress_reports', 'progress_reports_reporter_line',
       $c$reporter !~ '[\u0001-\u001f\u007f-\u009f\u2028\u2029]'$c$)
  LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_constraint
                   WHERE conrelid = c.column1::regclass AND conname = c.column2) THEN
      EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (%s)', c.column1, c.column2,
                     c.column3);
    END IF;
  END LOOP;
END $$;

-- the list's filters and the flags read a park's projects and a project's rows
CREATE INDEX IF NOT EXISTS projects_park_stage_idx ON projects (park_id, stage);
CREATE INDEX IF NOT EXISTS progress_reports_project_idx
  ON progress_reports (project_id, reported_on DESC);
