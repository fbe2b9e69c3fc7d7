"""A tile package on disk, read-only: an MBTiles file (SQLite; tiles in TMS rows, a
metadata table) or a PMTiles archive (one file: header, directories, tiles; read with the
`pmtiles` package by Protomaps, through a memory map).

Both are opened per request (an SQLite connection is cheap and must not cross threads; a
memory map costs a system call). The tile format comes from the package: png, jpg, webp,
avif (raster) or pbf (vector tiles, usually gzip-compressed, which the response then says
in Content-Encoding).
"""

from __future__ import annotations

import mmap
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from pmtiles.reader import Reader
from pmtiles.tile import Compression, TileType

from ..errors import NotFound, Text
from ..labels import N_

CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
                 "webp": "image/webp", "avif": "image/avif",
                 "pbf": "application/vnd.mapbox-vector-tile"}
GZIP_MAGIC = b"\x1f\x8b"
PM_FORMATS = {TileType.MVT: "pbf", TileType.PNG: "png", TileType.JPEG: "jpg",
              TileType.WEBP: "webp", TileType.AVIF: "avif"}
PM_ENCODINGS = {Compression.GZIP: "gzip", Compression.BROTLI: "br", Compression.ZSTD: "zstd"}


@dataclass(frozen=True)
class Tile:
    data: bytes
    content_type: str
    encoding: str | None  # the Content-Encoding the tile is stored with


def _file(path: str | None) -> Path:
    if not path or not Path(path).is_file():
        raise NotFound(Text(N_("no offline basemap is configured (PARKATLAS_BASEMAP)")))
    return Path(path)


def metadata(path: str | None) -> dict:
    """The package's metadata: format, minzoom, maxzoom, and bounds, name, attribution,
    description where it has them."""
    file = _file(path)
    meta = _pm_metadata(file) if file.suffix == ".pmtiles" else _mb_metadata(file)
    meta["format"] = (meta.get("format") or "png").lower()
    meta["minzoom"], meta["maxzoom"] = int(meta["minzoom"] or 0), int(meta["maxzoom"] or 0)
    if isinstance(meta.get("bounds"), str):
        meta["bounds"] = [float(v) for v in meta["bounds"].split(",")]
    return meta


def tile(path: str | None, z: int, x: int, y: int) -> Tile | None:
    """The tile at z/x/y (XYZ, as the map asks), or None when the package lacks it."""
    file = _file(path)
    return _pm_tile(file, z, x, y) if file.suffix == ".pmtiles" else _mb_tile(file, z, x, y)


def _connect(file: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)


def _mb_metadata(file: Path) -> dict:
    with closing(_connect(file)) as db:
        meta = dict(db.execute("SELECT name, value FROM metadata").fetchall())
        if "minzoom" not in meta or "maxzoom" not in meta:
            low, high = db.execute("SELECT min(zoom_level), max(zoom_level) FROM tiles").fetchone()
            meta.setdefault("minzoom", low)
            meta.setdefault("maxzoom", high)
    return meta


def _mb_tile(file: Path, z: int, x: int, y: int) -> Tile | None:
    with closing(_connect(file)) as db:
        row = db.execute("SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ?"
                         " AND tile_row = ?", (z, x, (1 << z) - 1 - y)).fetchone()
        fmt = db.execute("SELECT value FROM metadata WHERE name = 'format'").fetchone()
    if row is None:
        return None
    data = bytes(row[0])
    return Tile(data, CONTENT_TYPES.get((fmt[0] if fmt else "png").lower(),
                                        "application/octet-stream"),
                "gzip" if data[:2] == GZIP_MAGIC else None)


def _pm_read(file: Path, read):
    with file.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        return read(Reader(lambda offset, length: mapped[offset:offset + length]))


def _pm_metadata(file: Path) -> dict:
    def read(reader):
        header, meta = reader.header(), reader.metadata()
        return {**{k: meta[k] for k in ("name", "attribution", "description") if k in meta},
                "format": PM_FORMATS.get(header["tile_type"], "png"),
                "minzoom": header["min_zoom"], "maxzoom": header["max_zoom"],
                "bounds": [header["min_lon_e7"] / 1e7, header["min_lat_e7"] / 1e7,
                           header["max_lon_e7"] / 1e7, header["max_lat_e7"] / 1e7]}
    return _pm_read(file, read)


def _pm_tile(file: Path, z: int, x: int, y: int) -> Tile | None:
    def read(reader):
        header, data = reader.header(), reader.get(z, x, y)
        if data is None:
            return None
        return Tile(bytes(data), CONTENT_TYPES.get(PM_FORMATS.get(header["tile_type"], ""),
                                                   "application/octet-stream"),
                    PM_ENCODINGS.get(header["tile_compression"]))
    return _pm_read(file, read)
