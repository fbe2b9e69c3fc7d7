"""The coordinate reference systems of OGC API Features Part 2.

Stored geometry is EPSG:4490; a response is in OGC CRS84 (lon, lat) unless the client asks
for EPSG:4490 or a park's Gauss-Krüger CRS. An EPSG CRS is answered in its own axis order
(the spec's rule): EPSG:4490 is latitude, longitude, and the CGCS2000 GK CRSs are northing
X, easting Y (DESIGN §3), so both are flipped from PostGIS's x = east.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..crs import STORAGE_SRID
from ..errors import BadRequest, Text
from ..labels import N_

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG = "http://www.opengis.net/def/crs/EPSG/0/"
_EPSG_FORMS = re.compile(
    r"(?:http://www\.opengis\.net/def/crs/EPSG/0/|EPSG:|\[EPSG:)(\d{4,5})\]?", re.IGNORECASE)
_CRS84_FORMS = {CRS84, "CRS84", "[OGC:CRS84]", "OGC:CRS84", "urn:ogc:def:crs:OGC:1.3:CRS84"}


@dataclass(frozen=True)
class Crs:
    """A CRS a client may ask for: its SRID, whether its axes are flipped from PostGIS's
    (x east, y north), and the decimals its coordinates are written with."""

    srid: int
    uri: str
    flipped: bool
    digits: int  # 9 for degrees (0.1 mm), 6 for metres (areas exact to 0.001 m²)


DEFAULT = Crs(STORAGE_SRID, CRS84, flipped=False, digits=9)  # CRS84 on CGCS2000 (< 1 m)


def uri(srid: int) -> str:
    return EPSG + str(srid)


def offered(gk_srids: list[int]) -> list[str]:
    """The URIs of every CRS a response may be in: CRS84, EPSG:4490, the parks' GK CRSs
    (with and without the zone prefix)."""
    return [CRS84, uri(STORAGE_SRID), *(uri(s) for s in sorted(set(gk_srids)))]


def parse(name: str, value: str | None, gk_srids: list[int]) -> Crs:
    """A crs or bbox-crs parameter: CRS84 when absent; an offered CRS, else BadRequest."""
    if value in (None, "") or value in _CRS84_FORMS:
        return DEFAULT
    match = _EPSG_FORMS.fullmatch(value.strip())
    srid = int(match.group(1)) if match else None
    if srid == STORAGE_SRID:
        return Crs(srid, uri(srid), flipped=True, digits=9)
    if srid in gk_srids:
        return Crs(srid, uri(srid), flipped=True, digits=6)
    raise BadRequest(Text(N_("%(name)s must be one of %(choices)s, not %(value)s"),
                          name=name, choices=", ".join(offered(gk_srids)),
                          value=repr(value)), code="crs_not_supported")


def geometry_sql(layer_geometry_json: str, column: str, crs: Crs) -> str:
    """SQL of a row's GeoJSON geometry in a CRS (RFC 7946 for CRS84, from app.layers)."""
    if crs is DEFAULT or crs.uri == CRS84:
        return layer_geometry_json
    geom = f"ST_Transform(f.{column}, {crs.srid})"
    return f"ST_AsGeoJSON(ST_FlipCoordinates({geom}), {crs.digits}, 0)::json"  # no crs member


def envelope_sql(crs: Crs) -> str:
    """SQL of the bbox %(minx)s … %(maxy)s (already in x-east order) as EPSG:4490."""
    box = f"ST_MakeEnvelope(%(minx)s, %(miny)s, %(maxx)s, %(maxy)s, {crs.srid})"
    if crs.srid == STORAGE_SRID:
        return box
    return f"ST_Transform(ST_Segmentize({box}, 10), {STORAGE_SRID})"  # edges curve


def bbox_in_x_order(bbox: tuple[float, ...], crs: Crs) -> tuple[float, ...]:
    """A bbox in the CRS's axis order, as (minx, miny, maxx, maxy) with x east."""
    if not crs.flipped:
        return bbox
    a1, b1, a2, b2 = bbox
    return (b1, a1, b2, a2)
