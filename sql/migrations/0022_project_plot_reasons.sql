-- 0022 the reason a planner gave for marking a project's plots despite the conflict
-- warnings of DESIGN §4.4 (double claim, zoning, use): kept on each plot link it was given
-- for, so the audit rows of project_plots say who accepted which conflict and why.

ALTER TABLE project_plots ADD COLUMN IF NOT EXISTS conflict_reason text;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'project_plots'::regclass
                 AND conname = 'project_plots_conflict_reason_length') THEN
    ALTER TABLE project_plots ADD CONSTRAINT project_plots_conflict_reason_length
      CHECK (char_length(btrim(conflict_reason)) BETWEEN 1 AND 2000);
  END IF;
END $$;
