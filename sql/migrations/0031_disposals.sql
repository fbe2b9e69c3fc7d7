-- 0031 disposal record (issue 15 item 5): every decision on an idle or low-efficiency plot
-- is kept, one row a decision (限期动工 deadline, 征缴闲置费 fee, 无偿收回 reclaimed, 协议有偿
-- 收回 agreement, 置换 exchange, 改变用途 change_use) with its date, 文号 and note. The plot's
-- current disposal (plots.disposal, disposal_on, disposal_note, read by the status engine)
-- is the latest decision; the record and the plot are written in one statement
-- (sql/queries/disposal/record.sql). Audited like every edited table (sql/source/20_cleanup.sql).

ALTER TABLE plots DROP CONSTRAINT IF EXISTS plots_disposal_check;
ALTER TABLE plots ADD CONSTRAINT plots_disposal_check
  CHECK (disposal IN ('deadline', 'fee', 'reclaimed', 'agreement', 'exchange', 'change_use'));

CREATE TABLE IF NOT EXISTS plot_disposals (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  park_id integer NOT NULL REFERENCES parks (id) ON DELETE CASCADE,
  plot_id integer NOT NULL REFERENCES plots (id) ON DELETE CASCADE,
  kind text NOT NULL
    CONSTRAINT plot_disposals_kind_check
    CHECK (kind IN ('deadline', 'fee', 'reclaimed', 'agreement', 'exchange', 'change_use')),
  decided_on date NOT NULL,
  deadline_on date,             -- 限期动工: the new start deadline
  amount double precision,      -- 征缴闲置费: the fee, 万元 (as plots.land_price)
  doc_no text NOT NULL CONSTRAINT plot_disposals_doc_no_length
    CHECK (length(btrim(doc_no)) BETWEEN 1 AND 200),
  note text CONSTRAINT plot_disposals_note_length CHECK (length(note) <= 2000),
  recorded_by text,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT plot_disposals_deadline_given CHECK ((kind = 'deadline') = (deadline_on IS NOT NULL)),
  CONSTRAINT plot_disposals_deadline_after CHECK (deadline_on > decided_on),
  CONSTRAINT plot_disposals_amount_given CHECK ((kind = 'fee') = (amount IS NOT NULL)),
  CONSTRAINT plot_disposals_amount_positive CHECK (amount > 0 AND amount < 1e9)
);
CREATE INDEX IF NOT EXISTS plot_disposals_plot_idx ON plot_disposals (plot_id, decided_on, id);
