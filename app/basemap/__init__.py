"""The offline basemap (issue 14 item 6): a local tile package (PARKATLAS_BASEMAP, an
MBTiles or PMTiles file, raster or vector) that the app serves itself, for a park office on an
intranet. `archive` reads the package; `web` serves its tiles and its metadata."""
