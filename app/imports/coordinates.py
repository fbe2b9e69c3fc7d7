"""Coordinate lists (CSV, XLSX) and the 报批坐标 TXT (DESIGN §4.8, `app.coordinate_file`).

A list has one row per boundary point: plot code, point number, X, Y and optionally the
ring (圈号: 1 the outer ring, 2… holes or further parts), under Chinese or English headers
(地块编号/宗地号/DKBH/code, 点号/point, X/北坐标/northing, Y/东坐标/easting, 圈号/ring; other
columns become the plot's properties, from its first row). Rows of a plot are its points in
order; a ring ends where the ring number changes or the first point comes round again, and
is closed when the file does not repeat it. A ring inside an earlier ring of the plot is a
hole of it, otherwise it starts a further part.

Axes: surveyors write X north, Y east; the readers swap so that x is the easting. When the
numbers say the opposite (degrees: longitude 73–136 vs latitude 3–54; GK metres: eastings
below 10⁶ or from 10⁷ with the zone prefix vs northings between), they are taken as they
are and a warning says so.
"""

from __future__ import annotations

import csv
import io
import re
import statistics
from pathlib import Path

from shapely.geometry import MultiPolygon, Polygon

from .. import coordinate_file
from ..errors import AtlasError, BadRequest, Text
from ..labels import N_
from . import encoding as encodings
from .crs_guess import DATUMS, GK6_CM, GK6_PREFIXED
from .incoming import Feature, Incoming

_ALIASES = {
    "code": ("地块编号", "地块号", "地块代码", "宗地号", "宗地编号", "宗地代码", "编号", "dkbh",
             "zdh", "zddm", "code", "plot", "plotcode", "plot_code", "parcel"),
    "point": ("点号", "界址点号", "点名", "界址点", "jzdh", "point", "pointno", "point_no",
              "pt", "no"),
    "north": ("x", "x坐标", "北坐标", "纵坐标", "northing", "n", "纬度", "lat", "latitude"),
    "east": ("y", "y坐标", "东坐标", "横坐标", "easting", "e", "经度", "lon", "lng",
             "longitude"),
    "ring": ("圈号", "环号", "圈", "ring", "ringno", "ring_no", "part"),
}
_UNIT = re.compile(r"[(（\[【].*?[)）\]】]|\s+")
PLOT_ROWS = N_("plot %(code)s (rows %(first)s–%(last)s)")
SWAPPED = N_("%(file)s: the column %(x)s holds eastings and %(y)s northings, the other way "
             "round from the surveyors' convention; they were read as the numbers say")


def _key(header: object) -> str:
    return _UNIT.sub("", str(header or "")).strip().lower()


def _columns(header: list[object]) -> dict[str, int]:
    keys = [_key(h) for h in header]
    found = {}
    for role, names in _ALIASES.items():
        index = next((i for i, k in enumerate(keys) if k in names), None)
        if index is not None:
            found[role] = index
    return found


def _header_row(rows: list[list[object]], file: str) -> int:
    for i, row in enumerate(rows[:10]):
        columns = _columns(row)
        if "north" in columns and "east" in columns:
            return i
    raise BadRequest(Text(N_(
        "%(file)s: no header row with X and Y columns in its first 10 rows (expected headers "
        "such as 地块编号, 点号, X, Y, 圈号 or code, point, X, Y, ring)"), file=file),
        code="bad_file")


def _number(value: object, file: str, row: int, column: object) -> float:
    if value is None or str(value).strip() == "":
        raise BadRequest(Text(N_("%(file)s, row %(row)s: the %(column)s coordinate is "
                                 "missing"), file=file, row=row, column=str(column)),
                         code="bad_file")
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip().replace(",", ""))
    except ValueError:
        raise BadRequest(Text(N_("%(file)s, row %(row)s: %(column)s %(value)s is not a "
                                 "number"), file=file, row=row, column=str(column),
                              value=repr(value)), code="bad_file") from None


def _looks_east(values: list[float]) -> bool:
    m = statistics.median(values)
    return 73 <= m <= 136 or 0 < m < 1_000_000 or m >= 10_000_000


def _looks_north(values: list[float]) -> bool:
    m = statistics.median(values)
    return 3 <= m <= 54 or 1_000_000 <= m < 10_000_000


def _polygon(code: str, points, file: str):
    # (row, point, ring, x, y): split as the 报批坐标 TXT's reader splits its rings
    rings = coordinate_file._split_rings(points)
    parts: list[list] = []  # [shell, holes]
    for ring in rings:
        coords = [(x, y) for _, _, _, x, y in ring]
        if len(coords) > 1 and coords[-1] == coords[0]:
            coords.pop()
        if len(set(coords)) < 3:
            raise BadRequest(Text(N_("%(file)s, plot %(code)s, rows %(first)s–%(last)s: a "
                                     "ring needs at least 3 distinct points, found "
                                     "%(count)s"), file=file, code=code, first=ring[0][0],
                                  last=ring[-1][0], count=len(set(coords))),
                             code="bad_file")
        shell = Polygon(coords)
        if len(rings) == 1:
            return shell
        owner = next((p for p in parts if p[0].contains(shell.representative_point())), None)
        if owner is None:
            parts.append([shell, []])
        else:
            owner[1].append(coords)
    polygons = [Polygon(shell.exterior.coords, holes) for shell, holes in parts]
    return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)


def from_rows(rows: list[list[object]], *, file: str, format: str) -> Incoming:
    """An Incoming of the plots a coordinate list's rows describe."""
    head = _header_row(rows, file)
    header = rows[head]
    cols = _columns(header)
    body = [(head + 2 + i, row) for i, row in enumerate(rows[head + 1:])
            if any(v not in (None, "") for v in row)]
    if not body:
        return Incoming(format=format, layer=None, layers=[], features=[])
    north = [_number(_cell(r, cols["north"]), file, n, header[cols["north"]]) for n, r in body]
    east = [_number(_cell(r, cols["east"]), file, n, header[cols["east"]]) for n, r in body]
    warnings = []
    if not (_looks_east(east) and _looks_north(north)) and _looks_east(north) \
            and _looks_north(east):
        north, east = east, north
        warnings.append(Text(SWAPPED, file=file, x=str(header[cols["north"]]),
                             y=str(header[cols["east"]])))
    extra = [i for i in range(len(header)) if i not in cols.values() and header[i]]
    plots: dict[str, list] = {}
    first_row: dict[str, list] = {}
    for k, (n, row) in enumerate(body):
        code = str(_cell(row, cols["code"]) or "").strip() if "code" in cols else ""
        ring_text = _cell(row, cols["ring"]) if "ring" in cols else 1
        try:
            ring = int(float(ring_text or 1))
        except ValueError:
            raise BadRequest(Text(N_("%(file)s, row %(row)s: bad ring number %(value)s"),
                                  file=file, row=n, value=repr(ring_text)),
                             code="bad_file") from None
        point = str(_cell(row, cols["point"]) or "") if "point" in cols else ""
        plots.setdefault(code, []).append((n, point, ring, east[k], north[k]))
        first_row.setdefault(code, row)
    features = []
    for code, points in plots.items():
        props = {str(header[i]): _cell(first_row[code], i) for i in extra}
        if "code" in cols:
            props[str(header[cols["code"]])] = code
        props["point_count"] = len(points)
        features.append(Feature(len(features) + 1,
                                Text(PLOT_ROWS, code=code or "—", first=points[0][0],
                                     last=points[-1][0]),
                                _polygon(code or "—", points, file), props))
    return Incoming(format=format, layer=None, layers=[], features=features,
                    warnings=warnings)


def _cell(row: list[object], i: int):
    return row[i] if i < len(row) else None


def read_csv(path: Path, *, file: str, encoding: str | None = None) -> Incoming:
    data = path.read_bytes()
    if encoding:
        codec, source = encodings.codec(encoding), "user"
    elif data.startswith(b"\xef\xbb\xbf"):
        codec, source = "utf-8-sig", "declared"
    else:
        codec, source = encodings.detect(data), "detected"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise BadRequest(Text(N_("%(file)s is not %(encoding)s text (byte %(at)s)"), file=file,
                              encoding=codec.upper(), at=exc.start), code="bad_encoding") \
            from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
    incoming = from_rows(rows, file=file, format="csv")
    incoming.encoding, incoming.encoding_source = codec.removesuffix("-sig"), source
    return incoming


def read_xlsx(path: Path, *, file: str, layer: str | None = None) -> Incoming:
    import openpyxl  # only for spreadsheets
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise BadRequest(Text(N_("%(file)s cannot be read as an Excel workbook (%(problem)s)"),
                              file=file, problem=str(exc)[:200] or type(exc).__name__),
                         code="bad_file") from None
    try:
        names = list(book.sheetnames)
        if layer is not None and layer not in names:
            raise BadRequest(Text(N_("%(file)s has no sheet %(layer)s; its sheets are "
                                     "%(layers)s"), file=file, layer=layer,
                                  layers=", ".join(names)), code="no_layer")
        sheet = layer or names[0]
        rows = [list(r) for r in book[sheet].iter_rows(values_only=True)]
    finally:
        book.close()
    incoming = from_rows(rows, file=file, format="xlsx")
    incoming.layer, incoming.layers = sheet, names
    return incoming


# --- 报批坐标 TXT ---------------------------------------------------------------------------

_DATUM_WORDS = (("2000", "cgcs2000"), ("西安", "xian80"), ("80", "xian80"),
                ("北京", "beijing54"), ("54", "beijing54"))
_M2_LIKE = (5_000, 20_000)  # declared / enclosed area: written in m², not 公顷


def _txt_crs(parsed: coordinate_file.CoordinateFile, features) -> int | None:
    zone = parsed.zone
    system = parsed.attributes.get("坐标系", "")
    datum = next((d for word, d in _DATUM_WORDS if word in system), None)
    width = parsed.attributes.get("几度分带", "3").strip()
    if zone is None or datum is None or not features:
        return None
    prefixed = features[0].geometry.bounds[0] >= 1_000_000
    if width == "6":
        if datum != "cgcs2000" or not 13 <= zone <= 23:
            return None
        return (GK6_PREFIXED if prefixed else GK6_CM) + zone - 13
    if not 25 <= zone <= 45:
        return None
    _, _, first_prefixed, first_plain = DATUMS[datum]
    return (first_prefixed if prefixed else first_plain) + zone - 25


def read_txt(path: Path, *, file: str, encoding: str | None = None) -> Incoming:
    data = path.read_bytes()
    try:
        parsed = coordinate_file.read(data, encoding, check_areas=False)
    except AtlasError as exc:
        raise BadRequest(Text(N_("%(file)s: %(problem)s"), file=file,
                              problem=exc.text or exc.message), code="bad_file") from None
    features = []
    m2_like = []
    for p in parsed.parcels:
        props = {"地块编号": p.code, "地块名称": p.name, "地块面积(公顷)": p.area_ha,
                 "界址点数": p.point_count, "图幅号": p.sheet, "地块用途": p.use,
                 "地类编码": p.land_class}
        features.append(Feature(len(features) + 1,
                                Text(N_("line %(line)s: parcel %(code)s"), line=p.line,
                                     code=p.code), p.geometry, props))
        enclosed = p.geometry.area
        if enclosed > 0 and _M2_LIKE[0] <= p.area_ha * 1e4 / enclosed <= _M2_LIKE[1]:
            m2_like.append(p.code)
    warnings = []
    if m2_like:
        warnings.append(Text(N_(
            "%(file)s: the declared 地块面积 of %(count)s parcels (%(codes)s) is about 10 000 "
            "times the area their boundary encloses: this looks like m², not 公顷"),
            file=file, count=len(m2_like), codes=", ".join(m2_like[:10])))
    source = "user" if encoding else "detected"
    codec = encodings.codec(encoding) if encoding else (
        "utf-8" if data.startswith(b"\xef\xbb\xbf") else encodings.detect(data))
    return Incoming(format="txt", layer=None, layers=[], features=features, encoding=codec,
                    encoding_source=source, crs=_txt_crs(parsed, features),
                    warnings=warnings)
