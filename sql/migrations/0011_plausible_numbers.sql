-- 0011 plausible numbers: areas and money are zero or at least 1e-6 (a square millimetre,
-- a hundredth of a yuan). Subnormal values such as 5e-324 passed the >= 0 checks and then
-- made the status rules fail with a floating-point underflow that named nothing.

DO $$
DECLARE col text;
BEGIN
  FOREACH col IN ARRAY ARRAY['house_floor_area_m2', 'land_price', 'planned_investment',
    'actual_investment', 'planned_floor_area_m2', 'floor_area_m2', 'high_floor_area_m2',
    'building_footprint_m2', 'structure_footprint_m2', 'open_storage_m2',
    'admin_living_area_m2', 'developed_area_m2', 'annual_tax', 'annual_output'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_constraint
                   WHERE conrelid = 'plots'::regclass AND conname = 'plots_' || col || '_plausible') THEN
      EXECUTE format('ALTER TABLE plots ADD CONSTRAINT %I CHECK (%I = 0 OR abs(%I) >= 1e-6)',
                     'plots_' || col || '_plausible', col, col);
    END IF;
  END LOOP;
END $$;
