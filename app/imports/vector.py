"""Files GDAL reads (through pyogrio): Shapefile, GeoPackage, GeoJSON, KML.

One layer is read: the one the caller names, else the only one, else the first that holds
polygons. Geometries come as WKB and are parsed in one vectorised call; attributes keep
their names and values (numbers as numbers, dates as ISO text).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError

from ..errors import BadRequest, Text
from ..labels import N_
from . import crs_guess, encoding
from .incoming import Feature, Incoming

UNREADABLE = N_("%(file)s cannot be read as %(format)s (%(problem)s)")
NO_LAYER = N_("%(file)s has no layer %(layer)s; its layers are %(layers)s")
FEATURE = N_("feature %(n)s")
NOT_LONLAT = N_("%(file)s says longitude/latitude (EPSG:%(epsg)s) but its coordinates are "
                "not: the coordinate system is to be chosen")
LONLAT_CRS = (4326, 4490, 4283, 4214)  # WGS 84 (GeoJSON's default), CGCS2000, GDA94, Beijing 54


def layers(path: Path, file: str, format: str) -> list[tuple[str, str | None]]:
    """(name, geometry type) of each layer."""
    try:
        return [(str(name), kind) for name, kind in pyogrio.list_layers(path)]
    except (DataSourceError, DataLayerError, OSError) as exc:
        raise BadRequest(Text(UNREADABLE, file=file, format=format, problem=_short(exc)),
                         code="bad_file") from None


def choose(found: list[tuple[str, str | None]], layer: str | None, file: str) -> str:
    names = [name for name, _ in found]
    if layer is not None:
        if layer not in names:
            raise BadRequest(Text(NO_LAYER, file=file, layer=layer,
                                  layers=", ".join(names) or "—"), code="no_layer")
        return layer
    if not names:
        raise BadRequest(Text(N_("%(file)s holds no layer"), file=file), code="no_layer")
    polygons = [name for name, kind in found if kind and "polygon" in kind.lower()]
    return (polygons or names)[0]


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


def _value(value):
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, bytes):
        return value.hex()
    return value


def _column(column) -> list:
    """A column's values as Python values (`_value`): numbers and booleans converted by numpy
    in one call, only the non-finite floats looked at again; other columns value by value."""
    if type(column) is not np.ndarray or column.dtype.kind not in "biuf":
        return [_value(v) for v in column]
    values = column.tolist()
    if column.dtype.kind == "f" and not np.isfinite(column).all():
        return [v if math.isfinite(v) else None for v in values]
    return values


def read(path: Path, *, file: str, format: str, layer: str | None = None,
         codec: str | None = None, encoding_source: str | None = None) -> Incoming:
    """Read one layer of a GDAL-readable file into an Incoming."""
    found = layers(path, file, format)
    chosen = choose(found, layer, file)
    try:
        meta, _, wkb, columns = pyogrio.raw.read(path, layer=chosen, encoding=codec,
                                                 datetime_as_string=True)
    except (DataSourceError, DataLayerError, OSError, UnicodeDecodeError, ValueError) as exc:
        raise BadRequest(Text(UNREADABLE, file=file, format=format, problem=_short(exc)),
                         code="bad_file") from None
    geoms = shapely.from_wkb(wkb, on_invalid="ignore") if wkb is not None else \
        np.full(len(columns[0]) if columns else 0, None)
    names = [str(n) for n in meta["fields"]]
    values = [_column(column) for column in columns]
    features = [
        Feature(i + 1, Text(FEATURE, n=i + 1), geom if geom is not None else None,
                {name: column[i] for name, column in zip(names, values, strict=True)})
        for i, geom in enumerate(geoms)]
    crs, warnings = crs_guess.declared(meta.get("crs")), []
    if crs in LONLAT_CRS and not _lonlat(geoms):
        # GeoJSON is lon/lat by definition, so GDAL says 4326 for every GeoJSON file; a GK
        # file written without a crs member is common in Chinese land data
        crs, warnings = None, [Text(NOT_LONLAT, file=file, epsg=crs)]
    return Incoming(format=format, layer=chosen, layers=[name for name, _ in found],
                    features=features, encoding=codec or meta.get("encoding"),
                    encoding_source=encoding_source, crs=crs, warnings=warnings)


def _lonlat(geoms) -> bool:
    """Whether every coordinate could be a longitude/latitude."""
    present = [g for g in geoms if g is not None and not g.is_empty]
    if not present:
        return True
    west, south, east, north = shapely.total_bounds(present)
    return -180 <= west <= east <= 180 and -90 <= south <= north <= 90


def shapefile(shp: Path, *, file: str, user_encoding: str | None) -> Incoming:
    """One Shapefile (its .dbf's encoding decided by `encoding.shapefile`)."""
    dbf = next((p for p in shp.parent.iterdir()
                if p.stem == shp.stem and p.suffix.lower() == ".dbf"), shp.with_suffix(".dbf"))
    codec, source = encoding.shapefile(dbf, user_encoding)
    incoming = read(shp, file=file, format="shp", codec=codec, encoding_source=source)
    return incoming
