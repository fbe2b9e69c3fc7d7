"""OGC API Features (Part 1 Core, GeoJSON, HTML; Part 2 CRS) over the park's layers.

pygeoapi is the style model: each collection is a provider over one feature layer of
`app.layers` (its source, properties, filters, access rules and guest variant), so the
API, the vector tiles and this service read the same descriptions. Free of Flask: the web
layer (app/web_ogc.py) parses the request, calls one function here and renders the
document as JSON or HTML. Modules: `crs` (the CRSs offered and their axis order),
`collections` (which collections a role sees), `items` (keyset pages of features),
`documents` (landing page, conformance, collection descriptions, queryables).
"""
