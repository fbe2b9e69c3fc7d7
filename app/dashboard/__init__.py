"""The dashboard (issue 15 item 2): the park in one page for the director — the §4.6
indicators with their change since the last month end, the 24-month trend (month-end
snapshots, `snapshot`), charts per zone and per stage, the idle and low-efficiency totals
and the top infrastructure priorities (`overview`); XLSX and PDF (`document`)."""
