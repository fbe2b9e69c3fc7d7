"""The service's documents other than features: landing page, conformance, collections,
one collection and its queryables. Links are built on the service's base URL, which the
web layer passes in; titles are `Text`, translated by the web layer."""

from __future__ import annotations

import psycopg

from .. import labels
from ..crs import STORAGE_SRID
from ..db import queries
from ..errors import Text
from ..labels import N_
from . import crs
from .collections import Collection

GEOJSON, JSON, HTML = "application/geo+json", "application/json", "text/html"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
]
TITLE = N_("ParkAtlas OGC API Features")
DESCRIPTION = N_("The park's plots, zones, roads, utility networks, projects and "
                 "requisition plans for GIS clients (QGIS, GDAL, ArcGIS).")


class Parks:
    """The parks a request reads: their GK CRSs and (read when asked) their extent."""

    def __init__(self, conn: psycopg.Connection, park_id: int | None):
        self.conn, self.park_id = conn, park_id
        self.rows = list(queries().ogc.parks(conn, park_id=park_id))
        self.gk_srids = sorted({s for r in self.rows for s in (r["gk_epsg"],
                                                                r["gk_epsg_prefixed"])})

    def bbox(self) -> list[float] | None:
        """The extent of their zones and plots (lon/lat), None when they have none. Only
        a collection's description reads it: an items page does not pay for it."""
        box = queries().ogc.extent(self.conn, park_id=self.park_id)
        if box is None or box["minx"] is None:
            return None
        return [box["minx"], box["miny"], box["maxx"], box["maxy"]]


def link(href: str, rel: str, type_: str, title: str | None = None) -> dict:
    found = {"href": href, "rel": rel, "type": type_}
    if title:
        found["title"] = title
    return found


def alternates(href: str, here: str) -> list[dict]:
    """self and alternate links of a document in JSON (`here` its JSON type) and HTML."""
    sep = "&" if "?" in href else "?"
    return [link(f"{href}{sep}f=json", "self", here),
            link(f"{href}{sep}f=html", "alternate", HTML)]


def landing(base: str, query: str = "") -> dict:
    return {"title": Text(TITLE), "description": Text(DESCRIPTION), "links": [
        *alternates(base + query, JSON),
        link(f"{base}/conformance{query}", "conformance", JSON),
        link(f"{base}/collections{query}", "data", JSON),
        link(f"{base}{query}", "service-doc", HTML)]}


def conformance() -> dict:
    return {"conformsTo": CONFORMANCE}


def collection(base: str, c: Collection, parks: Parks, query: str = "") -> dict:
    href = f"{base}/collections/{c.id}"
    sep = "&" if query else "?"
    found = {
        "id": c.id, "title": c.title, "itemType": "feature",
        "links": [*alternates(href + query, JSON),
                  link(f"{href}/items{query}{sep}f=json", "items", GEOJSON),
                  link(f"{href}/items{query}{sep}f=html", "items", HTML),
                  link(f"{href}/queryables{query}",
                       "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                       "application/schema+json")],
        "crs": crs.offered(parks.gk_srids), "storageCrs": crs.uri(STORAGE_SRID),
        "geometryType": c.geometry_type, "filters": [f.name for f in c.filters],
        "asOf": c.layer.as_of}
    box = parks.bbox()
    if box:
        found["extent"] = {"spatial": {"bbox": [box], "crs": crs.CRS84}}
    return found


def collections(base: str, found: list[Collection], parks: Parks, query: str = "") -> dict:
    return {"links": alternates(f"{base}/collections{query}", JSON),
            "collections": [collection(base, c, parks, query) for c in found],
            "crs": crs.offered(parks.gk_srids)}


def queryables(base: str, c: Collection) -> dict:
    """The properties a request may filter on, as JSON Schema (OGC API Features Part 3)."""
    props = {}
    for f in c.filters:
        schema = {"type": "boolean"} if f.kind == "boolean" else {"type": "string"}
        if f.choices:
            schema["enum"] = list(f.choices)
        if f.description:
            schema["description"] = f.description
        props[f.name] = schema
    if c.layer.as_of:
        props["datetime"] = {"type": "string", "format": "date",
                             "description": "status as of this date (also as_of)"}
    return {"$schema": "https://json-schema.org/draft/2019-09/schema",
            "$id": f"{base}/collections/{c.id}/queryables", "type": "object",
            "title": c.title, "properties": props}


# What an HTML page shows of a feature: these properties, named in the user's language
# (the JSON carries every property under its machine name).
SHOWN = {
    "code": N_("Code"), "name": N_("Name"), "stage": N_("Stage"), "flags": N_("Flags"),
    "level_name": N_("Readiness level"), "serviced": N_("Serviced land"), "zone": N_("Zone"),
    "planned_use_name": N_("Planned use"), "area_m2": N_("Area (m²)"),
    "area_mu": N_("Area (mu)"), "owner": N_("Owner"), "land_class": N_("Land class"),
    "status": N_("Status"), "utility": N_("Utility"),
    "length_m": N_("Length (m)"), "company": N_("Company"),
    "planned_completion": N_("Planned completion"), "evaluated_on": N_("Evaluated on"),
    "plan_version": N_("Version"),
}
_VALUE_NAMES = {"flags": labels.FLAGS, "utility": labels.UTILITIES, "status": labels.STATUSES}


def _value(props: dict, key: str, lang: str, gettext):
    """A property as a page shows it: codes named (stages, flags, statuses, utilities),
    names in the page's language; None when the feature lacks it."""
    value = props.get(f"{key}_en") if lang == "en" and props.get(f"{key}_en") else \
        props.get(key)
    if value is None or value == []:
        return None
    names = labels.STAGES if key == "stage" and value in labels.STAGES else \
        labels.PROJECT_STAGES if key == "stage" else _VALUE_NAMES.get(key, {})
    if isinstance(value, list):
        return ("、" if lang == "zh" else ", ").join(
            gettext(names[v]) if v in names else str(v) for v in value)
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return gettext(names[value]) if value in names else value


def shown_properties(props: dict, lang: str, gettext) -> list[tuple[str, object]]:
    """(label, value) pairs of one feature's page: the SHOWN properties it has."""
    found = [(label, _value(props, key, lang, gettext)) for key, label in SHOWN.items()]
    return [(gettext(label), value) for label, value in found if value is not None]


def shown_table(features: list[dict], lang: str, gettext) -> tuple[list[str], list[list]]:
    """The column labels and the rows [id, values…] of a page of features: the SHOWN
    properties any of them has, blank where a feature lacks one."""
    rows = [[f["id"], *(_value(f["properties"], key, lang, gettext) for key in SHOWN)]
            for f in features]
    keep = [i for i in range(len(SHOWN)) if any(r[i + 1] is not None for r in rows)]
    names = list(SHOWN.values())
    return ([gettext(names[i]) for i in keep],
            [[r[0], *("" if r[i + 1] is None else r[i + 1] for i in keep)] for r in rows])
