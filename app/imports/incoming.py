"""What an import read from a file, before a CRS, a field mapping or a mode is chosen.

The readers (`app.imports.sources`) fill it; the staging, validation and commit
(`app.imports.staging`) read it. Coordinates stay as the file wrote them: x is the easting
or longitude, y the northing or latitude (GK files write X north, Y east: the readers swap).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from shapely.geometry.base import BaseGeometry

from ..errors import Text


@dataclass(frozen=True)
class Feature:
    """One feature as read; `n` counts from 1 in file order, `where` names it for messages
    (第 12 个要素, 图层 JZX 实体 2F, 第 5 行); `layer` the layer it came from when a read
    takes several at once (a drawing's CAD layers)."""

    n: int
    where: Text
    geometry: BaseGeometry | None
    properties: dict[str, object]
    layer: str | None = None


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


# --- Text in JSON (a report is stored, then shown in the reader's language) ----------------

def dump(data):
    """`data` with every Text as {"$text": msgid, "values": …} (JSON-storable)."""
    if isinstance(data, Text):
        return {"$text": data.msgid, "values": dump(data.values)}
    if isinstance(data, dict):
        return {k: dump(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [dump(v) for v in data]
    return data


def revive(data):
    """The inverse of dump: the Text objects back."""
    if isinstance(data, dict):
        if "$text" in data:
            return Text(data["$text"], **revive(data["values"]))
        return {k: revive(v) for k, v in data.items()}
    if isinstance(data, list):
        return [revive(v) for v in data]
    return data


def _text_or_dict(obj: dict):
    return Text(obj["$text"], **obj["values"]) if "$text" in obj else obj


def loads(text: str):
    """JSON written by dump (or by SQL in its form), read with its Text revived, in the
    parser's one pass (the per-feature rows of a report: 100 000 of them)."""
    return json.loads(text, object_hook=_text_or_dict)
