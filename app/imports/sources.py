"""The one entry of the import readers: `read()` a file the surveyors or the bureau sent.

The reader is chosen by the content first (zip, SQLite, XML, JSON, DXF, the TXT's
[属性描述] section), the name's extension second; see README "Imports: reading files".
A file that declares its CRS is placed by it; one that does not gets ranked candidates
(`crs_guess`); with a park, a file that lands outside China or farther from the park than
its setting allows is refused, saying where it landed.
"""

from __future__ import annotations

from pathlib import Path

from ..config import ImportLimits
from ..errors import BadRequest, Text
from ..labels import N_
from . import archive, cad, coordinates, crs_guess, vector
from .crs_guess import ParkPlace, landing, park_place
from .incoming import Incoming

_SUFFIXES = {".shp": "shp", ".gpkg": "gpkg", ".geojson": "geojson", ".json": "geojson",
             ".kml": "kml", ".kmz": "kmz", ".dxf": "dxf", ".csv": "csv", ".xlsx": "xlsx",
             ".txt": "txt", ".zip": "zip"}
_TXT_MARKS = ("属性描述".encode(), "属性描述".encode("gbk"))
UNKNOWN = N_("%(file)s is of no format ParkAtlas imports (zipped Shapefile, GeoPackage, "
             "GeoJSON, KML, KMZ, DXF, CSV, XLSX or the 报批坐标 TXT)")


def sniff(path: Path) -> str | None:
    """The format of a file by its first bytes, then its extension."""
    with path.open("rb") as f:
        head = f.read(4096)
    suffix = _SUFFIXES.get(path.suffix.lower())
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return suffix if suffix in ("xlsx", "kmz") else "zip"
    if head.startswith(b"SQLite format 3\0"):
        return "gpkg"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"{"):
        return "geojson"
    if text.startswith(b"<") and b"<kml" in head:
        return "kml"
    if head.startswith(b"AutoCAD Binary DXF") or (text.startswith(b"0")
                                                  and b"SECTION" in head[:64]):
        return "dxf"
    if any(mark in head for mark in _TXT_MARKS):
        return "txt"
    # a .txt without [属性描述] is a coordinate list, as surveyors also send them
    return "csv" if suffix == "txt" else suffix


def _in_folder(folder: Path, *, file: str, layer: str | None, encoding: str | None,
               kmz: bool) -> Incoming:
    """The file(s) an archive held: its Shapefiles (one a layer), else its one data file."""
    members = sorted(p for p in folder.rglob("*") if p.is_file()
                     and not any(part.startswith("__MACOSX") for part in p.parts))
    shps = [p for p in members if p.suffix.lower() == ".shp"]
    if shps and not kmz:
        names = [p.stem for p in shps]
        if layer is not None and layer not in names:
            raise BadRequest(Text(vector.NO_LAYER, file=file, layer=layer,
                                  layers=", ".join(names)), code="no_layer")
        if layer is None:
            found = [(p.stem, vector.layers(p, file, "shp")[0][1]) for p in shps]
            layer = vector.choose(found, None, file)
        incoming = vector.shapefile(shps[names.index(layer)], file=f"{file}: {layer}.shp",
                                    user_encoding=encoding)
        incoming.layer, incoming.layers = layer, names
        return incoming
    wanted = ("kml",) if kmz else ("gpkg", "geojson", "kml", "dxf", "csv", "xlsx", "txt")
    data = [p for p in members if _SUFFIXES.get(p.suffix.lower()) in wanted]
    if len(data) != 1:
        raise BadRequest(Text(N_("%(file)s holds %(count)s files ParkAtlas could read "
                                 "(%(names)s); send one Shapefile set or one data file per "
                                 "archive"), file=file, count=len(data),
                              names=", ".join(p.name for p in data) or "—"),
                         code="unknown_format")
    incoming = _read(data[0], file=f"{file}: {data[0].name}", layer=layer, encoding=encoding,
                     format=_SUFFIXES[data[0].suffix.lower()])
    if kmz:
        incoming.format = "kmz"
    return incoming


def _read(path: Path, *, file: str, layer: str | None, encoding: str | None,
          format: str | None, limits: ImportLimits | None = None) -> Incoming:
    if format in ("zip", "kmz"):
        with archive.unpacked(path, file, limits) as folder:
            return _in_folder(folder, file=file, layer=layer, encoding=encoding,
                              kmz=format == "kmz")
    if format == "shp":
        return vector.shapefile(path, file=file, user_encoding=encoding)
    if format in ("gpkg", "geojson", "kml"):
        return vector.read(path, file=file, format=format, layer=layer)
    if format == "dxf":
        return cad.read(path, file=file, layer=layer, encoding=encoding)
    if format == "csv":
        return coordinates.read_csv(path, file=file, encoding=encoding)
    if format == "xlsx":
        return coordinates.read_xlsx(path, file=file, layer=layer)
    if format == "txt":
        return coordinates.read_txt(path, file=file, encoding=encoding)
    raise BadRequest(Text(UNKNOWN, file=file), code="unknown_format")


def read(path: str | Path, *, filename: str, layer: str | None = None,
         encoding: str | None = None, park: str | int | ParkPlace | None = None, conn=None,
         limits: ImportLimits | None = None) -> Incoming:
    """Read an uploaded file into an Incoming (features as written, CRS or candidates).

    `filename` is the name the user knows it by (messages name it); `layer` picks a
    GeoPackage/KML layer, a Shapefile of a zip, a sheet, or CAD layers ("JZX,JZD");
    `encoding` overrides the one the file says or the reader detects; `park` is a park
    code or id (read through `conn`) or a ParkPlace: candidates are ranked by the distance from
    it, and a file landing too far from it is refused.
    """
    path = Path(path)
    if not path.is_file():
        raise BadRequest(Text(N_("%(file)s cannot be read (no such file)"), file=filename),
                         code="bad_file")
    if path.stat().st_size == 0:
        raise BadRequest(Text(N_("%(file)s is empty"), file=filename), code="empty_file")
    if isinstance(park, str | int) and conn is None:
        raise TypeError("read(park=<code or id>) needs conn= to read where the park is")
    place = park_place(conn, park) if isinstance(park, str | int) else park
    incoming = _read(path, file=filename, layer=layer, encoding=encoding,
                     format=sniff(path), limits=limits)
    if not any(f.geometry is not None for f in incoming.features):
        return incoming  # nothing to place: the staging reports the empty file
    if incoming.crs is None:
        incoming.crs_candidates = crs_guess.candidates(incoming, place, filename)
    elif place is not None:
        landing(incoming, incoming.crs, place, file=filename)
    return incoming


__all__ = ["ParkPlace", "landing", "park_place", "read", "sniff"]
