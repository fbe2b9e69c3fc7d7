"""Coordinate reference systems and area units of DESIGN §3 (the one source of both).

Stored geometry is CGCS2000 (EPSG:4490); every park computes areas and distances in the
CGCS2000 3-degree Gauss-Krüger zone of its longitude.
"""

from __future__ import annotations

import math

from .errors import BadRequest

STORAGE_SRID = 4490
WEB_SRID = 4326
M2_PER_MU = 10000 / 15
M2_PER_HA = 10000
FIRST_ZONE, LAST_ZONE = 25, 45  # CGCS2000 3-degree zones covering China (75°E–135°E)


def gk_zone(lon: float) -> int:
    """The 3-degree Gauss-Krüger zone of a longitude: round(lon / 3), halves rounded up."""
    if not math.isfinite(lon):
        raise BadRequest(f"longitude {lon} is not a number")
    zone = math.floor(lon / 3 + 0.5)
    if not FIRST_ZONE <= zone <= LAST_ZONE:
        raise BadRequest(
            f"longitude {lon} lies in Gauss-Krüger zone {zone}, outside China's zones "
            f"{FIRST_ZONE}–{LAST_ZONE} (73.5°E–136.5°E)")
    return zone


def central_meridian(zone: int) -> int:
    """Central meridian (degrees east) of a 3-degree zone."""
    return 3 * zone


def gk_epsg(zone: int, prefixed: bool = False) -> int:
    """EPSG code of the CGCS2000 3-degree GK zone: 4534+ plain, 4513+ with the zone prefix."""
    if not FIRST_ZONE <= zone <= LAST_ZONE:
        raise BadRequest(f"Gauss-Krüger zone {zone} is outside {FIRST_ZONE}–{LAST_ZONE}")
    return (4513 if prefixed else 4534) + zone - FIRST_ZONE


def to_mu(area_m2: float) -> float:
    """Square metres to 亩 (1 亩 = 10000/15 m²)."""
    return area_m2 / M2_PER_MU


def to_ha(area_m2: float) -> float:
    """Square metres to 公顷."""
    return area_m2 / M2_PER_HA


def areas(area_m2: float) -> dict:
    """An area in m², 亩 and 公顷, unrounded (rounding is for display only)."""
    return {"area_m2": area_m2, "area_mu": to_mu(area_m2), "area_ha": to_ha(area_m2)}
