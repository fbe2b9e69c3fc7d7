"""Land clean-up lists (issue 15 item 4): 闲置土地, 低效用地, 批而未供, 供而未用 as of a date,
filtered and sorted, with the legal clock and the failing indicators (`lists`), and the
workbook a land office reports upward (`workbook`)."""
