"""亩均效益 evaluation (亩产论英雄, issue 15 item 3): operating enterprises ranked by tax,
output and investment per 亩, classed A/B/C/D for a year and kept per year."""
