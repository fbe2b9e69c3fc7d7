-- 0016 land user and supply contract (issue 10): who the land was supplied to (用地单位 /
-- 受让人) and the number of the supply contract (出让合同编号). Both optional, on the plot.
-- The land user is a company's name: it may hold commas ("Co., Ltd.") but stays on one
-- line (like owner, kind "person" of 0014); the contract number is a code: no comma, line
-- break or control character (the exchange formats split on them). app/errors.py maps each
-- CHECK (<table>_<column>_<kind>) to a message naming the field. Idempotent.

ALTER TABLE plots ADD COLUMN IF NOT EXISTS land_user text;
ALTER TABLE plots ADD COLUMN IF NOT EXISTS contract_no text;

DO $$
DECLARE
  c record;
BEGIN
  FOR c IN VALUES
    ('plots_land_user_length', 'char_length(land_user) <= 100'),
    ('plots_land_user_line', $c$land_user !~ '[\u0001-\u001f\u007f-\u009f\u2028\u2029]'$c$),
    ('plots_contract_no_length', 'char_length(contract_no) <= 50'),
    ('plots_contract_no_plain', $c$contract_no !~ '[,\u0001-\u001f\u007f-\u009f\u2028\u2029]'$c$)
  LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_constraint
                   WHERE conrelid = 'plots'::regclass AND conname = c.column1) THEN
      EXECUTE format('ALTER TABLE plots ADD CONSTRAINT %I CHECK (%s)', c.column1, c.column2);
    END IF;
  END LOOP;
END $$;
