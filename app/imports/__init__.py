"""Imports of the surveyors' and the land bureau's files (issue 13): read a file
(`sources`), choose its CRS and field mapping, validate in PostGIS, commit all or nothing."""
