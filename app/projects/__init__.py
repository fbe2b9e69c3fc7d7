"""Projects (项目, DESIGN §4.7): the investment projects the project-service staff run from
signing to production, their milestones and progress reports, and their flags.

One module per concept, free of Flask: `project` (the record, the list, the flag),
`milestone` (planned and actual dates per stage), `progress` (dated reports), `records`
(what their writes share: version checks, field names in the user's language). The board,
the ranking, the 旬报 and the plot-marking map build on these (issue 12, later parts).
"""
