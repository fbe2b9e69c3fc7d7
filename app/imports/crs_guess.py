"""The coordinate system of an imported file: the one it declares, or the candidates its
coordinates fit, each placed relative to the park.

A file without a CRS (DXF, CSV, TXT, a Shapefile without .prj) gets `candidates()`:
longitude/latitude (CGCS2000, WGS 84) when the numbers are degrees; CGCS2000 3-degree GK
with the zone prefix when the easting is ≥ 10⁶·zone (the zone read from the prefix; 6-degree
zones 13–23 likewise); without the prefix, the park's zone (and its 6-degree zone); Xi'an
1980 and Beijing 1954 3-degree GK of the same zone as explicit choices listed after the
CGCS2000 ones. Each candidate says where the features' centre lands (CGCS2000 lon/lat) and
how far that is from the park's zones (km, measured in the park's GK zone). Candidates
outside China are dropped; when none lands within the park setting
import.max_km_from_park (20 km), the file is refused saying where the best one landed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from ..crs import STORAGE_SRID
from ..db import queries
from ..errors import BadRequest, NotFound, Text
from ..labels import N_
from .incoming import CrsCandidate, Incoming

# China's extent, generously (Zengmu Ansha to Mohe, Pamirs to the Wusuli)
CHINA_LON, CHINA_LAT = (73.0, 136.0), (3.0, 54.0)
DEFAULT_MAX_KM = 20.0
# datum: (name, ellipsoid semi-major axis, 3° zone-prefixed EPSG of zone 25, 3° CM 75°E EPSG)
DATUMS = {"cgcs2000": (N_("CGCS2000"), 6378137.0, 4513, 4534),
           "xian80": (N_("Xi'an 1980"), 6378140.0, 2349, 2370),
           "beijing54": (N_("Beijing 1954"), 6378245.0, 2401, 2422)}
GK6_PREFIXED, GK6_CM = 4491, 4502  # CGCS2000 6° zone 13 / CM 75°E
PREFIXED = N_("%(datum)s %(width)s-degree Gauss-Krüger zone %(zone)s, with the zone prefix")
PLAIN = N_("%(datum)s %(width)s-degree Gauss-Krüger, central meridian %(meridian)s°E, "
           "without the zone prefix")
TOO_FAR = N_("%(file)s: in %(crs)s the features land at %(lon)s°E, %(lat)s°N, %(km)s km "
             "from park %(park)s, farther than the %(max)s km allowed (park setting "
             "import.max_km_from_park); check the coordinate system")
NO_ZONE = N_("%(file)s: the coordinates look like Gauss-Krüger without the zone prefix; "
             "without a park their zone cannot be told: choose the coordinate system")
OUTSIDE = N_("%(file)s: the coordinates (x %(x)s, y %(y)s) fit no coordinate system that "
             "places them in China; in %(crs)s they land at %(lon)s°E, %(lat)s°N")


@dataclass(frozen=True)
class ParkPlace:
    """Where a park is: its GK zone, the centre of its zones, their outline in the park's
    unprefixed GK CRS, and the distance imported features may land from it."""

    code: str
    gk_zone: int
    lon: float
    lat: float
    outline: BaseGeometry | None
    max_km: float = DEFAULT_MAX_KM


def park_place(conn, park: str | int) -> ParkPlace:
    """The park of code (or id) `park` from the database (one plain query)."""
    by_id = isinstance(park, int)
    row = queries().imports.park_place(conn, code=None if by_id else park,
                                       id=park if by_id else None)
    if row is None:
        raise NotFound(Text(N_("no park with code %(code)s"), code=park))
    code = row["code"]
    outline = shapely.from_wkb(bytes(row["outline"])) if row["outline"] else None
    lon = row["lon"] if row["lon"] is not None else 3.0 * row["gk_zone"]
    return ParkPlace(code, row["gk_zone"], lon, row["lat"] or 0.0, outline,
                     row["max_km"] if row["max_km"] is not None else DEFAULT_MAX_KM)


@lru_cache(maxsize=256)
def _to_lonlat(epsg: int) -> Transformer:
    return Transformer.from_crs(epsg, STORAGE_SRID, always_xy=True)


@lru_cache(maxsize=64)
def _to_gk(zone: int) -> Transformer:
    return Transformer.from_crs(STORAGE_SRID, 4534 + zone - 25, always_xy=True)


def centre(features) -> tuple[float, float] | None:
    """The centre of the features' bounding box, as read (x easting or longitude)."""
    geoms = [f.geometry for f in features if f.geometry is not None and not f.geometry.is_empty]
    if not geoms:
        return None
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    return (x0 + x1) / 2, (y0 + y1) / 2


def in_china(lon: float, lat: float) -> bool:
    return CHINA_LON[0] <= lon <= CHINA_LON[1] and CHINA_LAT[0] <= lat <= CHINA_LAT[1]


def place(epsg: int, name: Text, x: float, y: float, park: ParkPlace | None) -> CrsCandidate:
    """Where (x, y) in `epsg` lands, and its distance from the park (nan without one)."""
    lon, lat = _to_lonlat(epsg).transform(x, y)
    km = math.nan
    if park is not None and math.isfinite(lon) and math.isfinite(lat):
        gx, gy = _to_gk(park.gk_zone).transform(lon, lat)
        here = Point(gx, gy)
        if park.outline is not None and not park.outline.is_empty:
            km = here.distance(park.outline) / 1000
        else:
            px, py = _to_gk(park.gk_zone).transform(park.lon, park.lat)
            km = here.distance(Point(px, py)) / 1000
    return CrsCandidate(epsg, name, lon, lat, km)


def _gk3(datum: str, x: float, zone: int, prefixed: bool) -> tuple[int, Text]:
    label, _, first_prefixed, first_plain = DATUMS[datum]
    if prefixed:
        return first_prefixed + zone - 25, Text(PREFIXED, datum=Text(label), width=3,
                                                zone=zone)
    return first_plain + zone - 25, Text(PLAIN, datum=Text(label), width=3, meridian=3 * zone)


def _options(x: float, y: float, park: ParkPlace | None) -> list[tuple[int, Text, bool]]:
    """(epsg, name, explicit choice) of every CRS the numbers could be in."""
    found: list[tuple[int, Text, bool]] = []
    if -180 <= x <= 180 and -90 <= y <= 90:
        found += [(4490, Text(N_("CGCS2000 longitude/latitude")), False),
                  (4326, Text(N_("WGS 84 longitude/latitude")), False)]
        return found
    zone = int(x // 1_000_000)
    if 25 <= zone <= 45:
        found += [(*_gk3(d, x, zone, True), d != "cgcs2000") for d in DATUMS]
    elif 13 <= zone <= 23:
        found.append((GK6_PREFIXED + zone - 13,
                      Text(PREFIXED, datum=Text(DATUMS["cgcs2000"][0]), width=6, zone=zone),
                      False))
    elif zone == 0 and park is not None:
        found += [(*_gk3(d, x, park.gk_zone, False), d != "cgcs2000") for d in DATUMS]
        zone6 = min(max(int(park.lon // 6) + 1, 13), 23)
        found.insert(1, (GK6_CM + zone6 - 13, Text(PLAIN, datum=Text(DATUMS["cgcs2000"][0]),
                                                     width=6, meridian=6 * zone6 - 3), False))
    return found


def _ranked(x: float, y: float, park: ParkPlace | None) -> list[tuple[CrsCandidate, bool]]:
    placed = [(place(epsg, name, x, y, park), explicit)
              for epsg, name, explicit in _options(x, y, park)]
    return sorted(placed, key=lambda c: (c[1], c[0].km_from_park
                                         if math.isfinite(c[0].km_from_park) else 0.0))


def _fmt(value: float, digits: int) -> str:
    return f"{value:.{digits}f}"


def candidates(incoming: Incoming, park: ParkPlace | None, file: str) -> list[CrsCandidate]:
    """The CRS candidates of a file that declares none, ranked (see the module's text);
    a BadRequest when none lands in China within the park's distance."""
    middle = centre(incoming.features)
    if middle is None:
        return []
    if park is None and 0 < middle[0] < 1_000_000 and 1_000_000 <= middle[1] < 10_000_000:
        incoming.warnings.append(Text(NO_ZONE, file=file))
        return []
    ranked = _ranked(*middle, park)
    in_reach = [c for c, _ in ranked if in_china(c.lon, c.lat)]
    if not in_reach:
        best = ranked[0][0] if ranked else place(4490, Text(N_("CGCS2000 longitude/latitude")),
                                                  *middle, park)
        raise BadRequest(Text(OUTSIDE, file=file, x=_fmt(middle[0], 3), y=_fmt(middle[1], 3),
                              crs=best.name, lon=_fmt(best.lon, 5), lat=_fmt(best.lat, 5)),
                         code="crs_outside_china",
                         details={"x": middle[0], "y": middle[1]})
    if park is not None:
        near = [c for c in in_reach if c.km_from_park <= park.max_km]
        if not near:
            raise _too_far(in_reach[0], park, file)
    return in_reach


def _too_far(best: CrsCandidate, park: ParkPlace, file: str) -> BadRequest:
    return BadRequest(Text(TOO_FAR, file=file, crs=best.name, lon=_fmt(best.lon, 5),
                           lat=_fmt(best.lat, 5), km=_fmt(best.km_from_park, 1),
                           park=park.code, max=f"{park.max_km:g}"),
                      code="crs_too_far",
                      details={"epsg": best.epsg, "lon": best.lon, "lat": best.lat,
                               "km_from_park": best.km_from_park})


def crs_name(epsg: int) -> Text:
    try:
        return Text(N_("EPSG:%(epsg)s %(name)s"), epsg=epsg, name=CRS.from_epsg(epsg).name)
    except CRSError:
        raise BadRequest(Text(N_("EPSG:%(epsg)s is not a coordinate system PROJ knows"),
                              epsg=epsg), code="bad_crs") from None


def landing(incoming: Incoming, epsg: int, park: ParkPlace | None, *, file: str = "",
            check: bool = True) -> CrsCandidate:
    """Where the file's features land if its coordinates are in `epsg` (the user's choice
    or the file's own CRS); with `check`, a BadRequest when that is outside China or
    farther from the park than its setting allows."""
    middle = centre(incoming.features)
    if middle is None:
        raise BadRequest(Text(N_("%(file)s holds no geometry to place"), file=file),
                         code="empty_file")
    candidate = place(epsg, crs_name(epsg), *middle, park)
    if check:
        if not (math.isfinite(candidate.lon) and in_china(candidate.lon, candidate.lat)):
            raise BadRequest(Text(OUTSIDE, file=file, x=_fmt(middle[0], 3),
                                  y=_fmt(middle[1], 3), crs=candidate.name,
                                  lon=_fmt(candidate.lon, 5), lat=_fmt(candidate.lat, 5)),
                             code="crs_outside_china")
        if park is not None and candidate.km_from_park > park.max_km:
            raise _too_far(candidate, park, file)
    return candidate


# --- a declared CRS -----------------------------------------------------------------------

def _gk_by_parameters(crs: CRS) -> int | None:
    """The EPSG code of a Gauss-Krüger .prj that names none (ArcGIS, MapGIS write their own
    names): matched by ellipsoid, central meridian and false easting."""
    if not crs.is_projected or crs.coordinate_operation is None:
        return None
    params = {p.name.lower(): p.value for p in crs.coordinate_operation.params}
    meridian = params.get("longitude of natural origin")
    easting = params.get("false easting")
    scale = params.get("scale factor at natural origin", 1.0)
    if meridian is None or easting is None or abs(scale - 1.0) > 1e-9:
        return None
    axis = crs.ellipsoid.semi_major_metre if crs.ellipsoid else None
    datum = next((k for k, v in DATUMS.items() if axis and abs(v[1] - axis) < 0.5), None)
    if datum is None:
        return None
    _, _, first_prefixed, first_plain = DATUMS[datum]
    if meridian % 3 == 0 and 75 <= meridian <= 135:
        zone = int(meridian // 3)
        if abs(easting - 500000) < 1e-6:
            return first_plain + zone - 25
        if abs(easting - (zone * 1e6 + 500000)) < 1e-6:
            return first_prefixed + zone - 25
    if datum == "cgcs2000" and (meridian + 3) % 6 == 0 and 75 <= meridian <= 135:
        zone6 = int((meridian + 3) // 6)
        if abs(easting - 500000) < 1e-6:
            return GK6_CM + zone6 - 13
        if abs(easting - (zone6 * 1e6 + 500000)) < 1e-6:
            return GK6_PREFIXED + zone6 - 13
    return None


def declared(crs_text: str | None) -> int | None:
    """The EPSG code of a CRS a file declares (.prj WKT, 'EPSG:4490', …), or None."""
    if not crs_text:
        return None
    try:
        crs = CRS.from_user_input(crs_text)
    except CRSError:
        return None
    return crs.to_epsg(min_confidence=90) or _gk_by_parameters(crs) or crs.to_epsg(
        min_confidence=25)
