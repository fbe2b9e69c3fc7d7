"""Park indicators (DESIGN §4.6, issue 15): the intensive-use figures of TD/T 1029 as of a
date, for the park and each zone, each with the plots behind it and how it is computed."""
