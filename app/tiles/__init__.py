"""Vector tiles (issue 14 item 1): the park's layers as Mapbox Vector Tiles made by PostGIS,
at URLs that carry the park's data version so that a tile is cached for good.

`layer` describes what each tile layer draws and carries, for each role; `tile` makes
the tiles and their TileJSON; `web` serves them (thin routes). The data version itself
(parks.data_version) is kept by the triggers of sql/source/16_tiles.sql.
"""
