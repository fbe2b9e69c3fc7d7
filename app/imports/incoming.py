"""What an import read from a file, before a CRS, a field mapping or a mode is chosen.

The readers (`app.imports.sources`) fill it; the staging, validation and commit
(`app.imports.staging`) read it. Coordinates stay as the file wrote them: x is the easting
or longitude, y the northing or latitude (GK files write X north, Y east: the readers swap).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shapely.geometry.base import BaseGeometry

from ..errors import Text


@dataclass(frozen=True)
class Feature:
    """One feature as read; `n` counts from 1 in file order, `where` names it for messages
    (第 12 个要素, 图层 JZX 实体 2F, 第 5 行)."""

    n: int
    where: Text
    geometry: BaseGeometry | None
    properties: dict[str, object]


@dataclass(frozen=True)
class CrsCandidate:
    """A CRS the coordinates may be in, and where the features land if it is chosen."""

    epsg: int
    name: Text
    lon: float
    lat: float
    km_from_park: float


@dataclass
class Incoming:
    """A read file: its features and what the reader learnt or guessed about it."""

    format: str  # shp, gpkg, geojson, kml, kmz, dxf, csv, xlsx, txt
    layer: str | None  # the layer read (GeoPackage table, CAD layers joined by ',')
    layers: list[str]  # the layers the user may choose from
    features: list[Feature]
    encoding: str | None = None  # the encoding the text was decoded with
    encoding_source: str | None = None  # cpg, ldid, detected, declared, user
    crs: int | None = None  # the EPSG code the file declares, if any
    crs_candidates: list[CrsCandidate] = field(default_factory=list)  # when it declares none
    warnings: list[Text] = field(default_factory=list)  # about the whole file
    # entities with geometry per layer, where the file has layers to pick (DXF)
    layer_counts: dict[str, int] = field(default_factory=dict)
