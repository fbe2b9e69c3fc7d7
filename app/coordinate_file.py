"""The 报批坐标 TXT (land-submission coordinate file) of DESIGN §4.8: writer and reader.

The file is what the land bureau's submission system imports::

    [属性描述]
    格式版本号=1.01
    ...
    [地块坐标]
    界址点数,地块面积(公顷),地块编号,地块名称,面,图幅号,地块用途,地类编码,@
    J1,1,<X northing>,<Y easting with zone prefix>
    ...

The points are `PlanResult.boundary_points`, the set every export writes: numbered once
per plan (a corner shared by plots has one J number in each of them) or, by the park
setting survey.point_numbering / the `numbering` option, J1.. afresh per plot; rings in
each plot are each part's outer ring, then its holes; outer rings run clockwise and holes
anticlockwise, each from its north-west-most vertex (`plan_result.plot_rings`), and each
ring is closed by repeating its first point with the same J number.

`write` produces it from a `PlanResult`; `read` parses one (ours or another tool's) back
into parcels with shapely geometry, for the import pipeline. Both stay free of Flask.
"""

from __future__ import annotations

import codecs
import math
import re
from dataclasses import dataclass

import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.prepared import prep

from app.errors import BadRequest, Text
from app.labels import N_
from app.plan_result import POINT_DECIMALS, BoundaryPoint, PlanResult, closed_rings
from app.schemas import geometry_reason

ATTRIBUTES = "属性描述"
PARCELS = "地块坐标"
POLYGON = "面"
FORMAT_VERSION = "1.01"
# Coordinates to 0.1 mm: a vertex moves by at most 0.07 mm, and survey coordinates, given
# in mm, not at all. 精度 is not this: it states how exact the survey is (park setting
# survey.precision, metres; PlanResult.survey.precision). Areas in 公顷 to 6 decimals =
# 0.01 m².
COORD_DECIMALS = POINT_DECIMALS
AREA_DECIMALS = 6
NEWLINE = "\r\n"  # the bureau's tools are Windows programs

_WRITE_ENCODINGS = {"gbk": "gbk", "utf-8": "utf-8", "utf8": "utf-8"}
# Codecs a reader accepts by name (after codecs.lookup normalisation).
_READ_ENCODINGS = {"utf-8", "utf-8-sig", "gbk", "gb18030", "gb2312"}
_BOM = codecs.BOM_UTF8
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_WHOLE = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_FIELD_BREAKERS = (",", "\r", "\n")


@dataclass(frozen=True)
class Parcel:
    """One 地块 of a coordinate file, as written, with its reconstructed geometry.

    `geometry` is in the GK CRS with x = easting (zone prefix kept), y = northing, the
    axis order of PostGIS and shapely; `rings` keep the file's points as written:
    (ring number, ((point name, X northing, Y easting), ...)).
    """

    line: int                     # line number of the parcel's header line
    point_count: int              # 界址点数 as declared
    area_ha: float                # 地块面积(公顷) as declared
    code: str
    name: str
    feature_type: str             # 面
    sheet: str                    # 图幅号
    use: str                      # 地块用途
    land_class: str               # 地类编码
    geometry: MultiPolygon
    rings: tuple[tuple[int, tuple[tuple[str, float, float], ...]], ...]


@dataclass(frozen=True)
class CoordinateFile:
    """A parsed coordinate file: the [属性描述] keys and the parcels in file order."""

    attributes: dict[str, str]
    parcels: tuple[Parcel, ...]

    @property
    def zone(self) -> int | None:
        """The 带号 as a number, or None when absent or not a whole number."""
        value = self.attributes.get("带号", "").strip()
        return int(value) if _WHOLE.fullmatch(value) else None


# --- writing --------------------------------------------------------------------------------

def write(result: PlanResult, encoding: str = "gbk", lang: str = "zh") -> bytes:
    """The plan's 报批坐标 TXT, CRLF lines, in GBK (default) or UTF-8.

    `lang` is accepted like every exporter's, but the format's keys are fixed Chinese.
    """
    codec = _WRITE_ENCODINGS.get(str(encoding).strip().lower())
    if codec is None:
        raise BadRequest(Text(N_("unknown encoding %(encoding)s for the coordinate file; use "
                                 "gbk or utf-8"), encoding=repr(encoding)))
    attributes = {
        "格式版本号": FORMAT_VERSION,
        "数据产生单位": result.organisation,
        "数据产生日期": result.computed_on.isoformat(),
        "坐标系": "2000国家大地坐标系",
        "几度分带": "3",
        "投影类型": "高斯克吕格",
        "计量单位": "米",
        "带号": str(result.gk_zone),
        "精度": _precision(result.survey.precision),
        "转换参数": ",,,,,,",  # seven empty slots: no datum transformation
    }
    if any(ch in result.organisation for ch in "\r\n"):
        raise BadRequest(Text(N_("数据产生单位 (the organisation) must be a single line")))
    lines = [f"[{ATTRIBUTES}]", *(f"{k}={v}" for k, v in attributes.items()), f"[{PARCELS}]"]
    # owner of each line, to name the plot (or attribute) a character cannot be encoded in
    owners: list[str | Text] = [f"[{ATTRIBUTES}]", *attributes, f"[{PARCELS}]"]

    points = result.points_by_plot  # by code: codes must be unique
    seen: set[str] = set()
    for plot in result.plots:
        if plot.code in seen:
            raise BadRequest(Text(N_("plot %(code)s appears twice in the plan"), code=plot.code))
        seen.add(plot.code)
    for plot in result.plots:
        plot_points = points.get(plot.code)
        if not plot_points:
            raise BadRequest(Text(N_("plot %(code)s has no boundary points to write"),
                                  code=plot.code))
        body = _point_lines(plot_points)
        fields = [str(len(body)), f"{plot.area_ha:.{AREA_DECIMALS}f}", plot.code,
                  plot.name or plot.code, POLYGON, "", plot.planned_use_name or "",
                  plot.land_class or "", "@"]
        for label, value in zip(("地块编号", "地块名称", "地块用途", "地类编码"),
                                (fields[2], fields[3], fields[6], fields[7]), strict=True):
            bad = next((ch for ch in _FIELD_BREAKERS if ch in value), None)
            if bad:
                raise BadRequest(Text(N_(
                    "plot %(code)s: %(label)s %(value)s contains %(bad)s, which would break the "
                    "coordinate file's fields"), code=plot.code, label=label, value=repr(value),
                    bad=repr(bad)))
        lines.append(",".join(fields))
        lines.extend(body)
        owners.extend([Text(N_("plot %(code)s"), code=plot.code)] * (len(body) + 1))

    text = NEWLINE.join(lines) + NEWLINE
    try:
        return text.encode(codec)
    except UnicodeEncodeError as exc:
        ch = text[exc.start]
        owner = owners[text.count(NEWLINE, 0, exc.start)]
        raise BadRequest(Text(N_(
            "%(where)s: character %(character)s (U+%(code)s) cannot be written in %(codec)s; "
            "change the text or export with encoding=utf-8"), where=owner, character=repr(ch),
            code=f"{ord(ch):04X}", codec=codec.upper()),
            details={"where": owner, "character": ch}) from None


def _precision(value) -> str:
    """The 精度 header: the survey precision in metres as the park set it ("0.05")."""
    text = str(value).strip()
    if not _DECIMAL.fullmatch(text) or not float(text) > 0:
        raise BadRequest(Text(N_("the park setting survey.precision must be a positive number "
                                 "of metres such as 0.05, not %(value)s"), value=repr(value)))
    return text


def _point_lines(points) -> list[str]:
    """Point lines of one plot, each ring closed by repeating its first point (same J)."""
    return [_point_line(pt) for pt, _ in closed_rings(points)]


def _point_line(pt: BoundaryPoint) -> str:
    return f"J{pt.number},{pt.ring},{pt.x:.{COORD_DECIMALS}f},{pt.y:.{COORD_DECIMALS}f}"


# --- reading --------------------------------------------------------------------------------

@dataclass
class _Draft:
    """A parcel header and the point lines read under it so far."""

    line: int
    fields: list[str]
    point_count: int
    area_ha: float
    area_decimals: int
    points: list[tuple[int, str, int, float, float]]   # (line, name, ring, X, Y)
    coord_decimals: int = 0


def read(data: bytes, encoding: str | None = None, *, check_areas: bool = True
         ) -> CoordinateFile:
    """Parse a coordinate file; malformed input is a BadRequest naming the line.

    With `check_areas` False a declared area that its boundary does not enclose is left
    to the caller (the importer warns and validates it per parcel).

    Without `encoding`, UTF-8 (with or without BOM) is used when the bytes decode as
    UTF-8, otherwise GB18030 (a superset of GBK).
    """
    text = _decode(data, encoding)
    lines = re.split(r"\r\n|\r|\n", text)
    attributes: dict[str, str] = {}
    parcels: list[Parcel] = []
    sections: dict[str, int] = {}
    section = None
    draft: _Draft | None = None
    last = 1  # last non-blank line, where a missing section is reported

    for no, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        last = no
        if line.startswith("[") and line.endswith("]"):
            name = line[1:-1].strip()
            if name in sections:
                raise _at(no, N_("section [%(name)s] appears twice (first on line %(first)s)"),
                          name=name, first=sections[name])
            if name == PARCELS and ATTRIBUTES not in sections:
                raise _at(no, N_("missing the [%(attributes)s] section before "
                                 "[%(parcels)s]"), attributes=ATTRIBUTES, parcels=PARCELS)
            if draft is not None:
                parcels.append(_parcel(draft, check_areas))
                draft = None
            section, sections[name] = name, no
            continue
        if section is None:
            raise _at(no, N_("missing the [%(attributes)s] section header; found %(found)s"),
                      attributes=ATTRIBUTES, found=_show(line))
        if section == ATTRIBUTES:
            key, sep, value = line.partition("=")
            if not sep or not key.strip():
                raise _at(no, N_("expected key=value in [%(attributes)s], found %(found)s"),
                          attributes=ATTRIBUTES, found=_show(line))
            attributes[key.strip()] = value.strip()
        elif section == PARCELS:
            fields = [f.strip() for f in line.split(",")]
            if fields[-1] == "@":
                if draft is not None:
                    parcels.append(_parcel(draft, check_areas))
                draft = _header(no, fields)
            else:
                if draft is None:
                    raise _at(no, N_("point line before any parcel header "
                                     "(界址点数,地块面积,…,@)"))
                _add_point(draft, no, fields)
        # other sections (e.g. [扩展信息]) carry nothing this reader needs

    if draft is not None:
        parcels.append(_parcel(draft, check_areas))
    if ATTRIBUTES not in sections:
        raise _at(1, N_("missing the [%(attributes)s] section"), attributes=ATTRIBUTES)
    if PARCELS not in sections:
        raise _at(last, N_("missing the [%(parcels)s] section (the file ends here)"),
                  parcels=PARCELS)
    if not parcels:
        raise _at(sections[PARCELS], N_("the [%(parcels)s] section holds no parcel"),
                  parcels=PARCELS)
    return CoordinateFile(attributes, tuple(parcels))


def _decode(data: bytes, encoding: str | None) -> str:
    if encoding is None:
        if data.startswith(_BOM):
            return _decode_as(data, "utf-8-sig")  # a BOM says UTF-8: no falling back
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as utf8_error:
            try:
                return data.decode("gb18030")
            except UnicodeDecodeError as gb_error:
                # report the decoder that got further: its failure is the broken spot
                exc = max(utf8_error, gb_error, key=lambda e: e.start)
                raise _undecodable(data, exc, None) from None
    try:
        codec = codecs.lookup(str(encoding)).name
    except LookupError:
        codec = None
    if codec not in _READ_ENCODINGS:
        raise BadRequest(Text(N_("unknown encoding %(encoding)s for a coordinate file; use "
                                 "utf-8, gbk or gb18030"), encoding=repr(encoding)))
    return _decode_as(data, "utf-8-sig" if codec == "utf-8" else codec)  # tolerate a BOM


def _decode_as(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise _undecodable(data, exc, codec.upper().removesuffix("-SIG")) from None


def _at(line: int, problem: str, **values) -> BadRequest:
    """A reading error at a line of the file, in the user's language."""
    return BadRequest(Text(N_("line %(line)s: %(problem)s"), line=line,
                           problem=Text(problem, **values)))


def _undecodable(data: bytes, exc: UnicodeDecodeError, codec: str | None) -> BadRequest:
    """`codec` None: neither UTF-8 nor GB18030 could read it."""
    line = data.count(b"\n", 0, exc.start) + 1
    bytes_ = repr(data[exc.start:exc.start + 4])
    if codec is None:
        return _at(line, N_("the file is neither UTF-8 nor GBK/GB18030 text (bytes "
                            "%(bytes)s cannot be decoded)"), bytes=bytes_)
    return _at(line, N_("the file is not valid %(codec)s text (bytes %(bytes)s cannot be "
                        "decoded)"), codec=codec, bytes=bytes_)


def _show(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "…")


# The numeric fields of the file, as its messages name them
AREA_FIELD = N_("the parcel area")
X_FIELD = N_("X (northing)")
Y_FIELD = N_("Y (easting)")


def _number(no: int, text: str, what: str) -> float:
    if not _NUMBER.fullmatch(text):
        raise _at(no, N_("bad number %(text)s for %(what)s"), text=repr(text),
                  what=Text(what))
    return float(text)


def _decimals(text: str) -> int:
    mantissa = text.split("e")[0].split("E")[0]
    return len(mantissa) - mantissa.index(".") - 1 if "." in mantissa else 0


def _header(no: int, fields: list[str]) -> _Draft:
    values = fields[:-1]
    if len(values) < 5:
        raise _at(no, N_("a parcel header needs at least 界址点数, 地块面积, 地块编号, 地块名称 "
                         "and 面 before '@'; found %(count)s fields"), count=len(values))
    values += [""] * (8 - len(values))
    count_text, area_text = values[0], values[1]
    if not _WHOLE.fullmatch(count_text):
        raise _at(no, N_("bad 界址点数 %(text)s (expected a whole number)"),
                  text=repr(count_text))
    area = _number(no, area_text, AREA_FIELD)
    if not values[2]:
        raise _at(no, N_("the parcel has no 地块编号"))
    if values[4] != POLYGON:
        raise _at(no, N_("parcel %(code)s is of type %(type)s; only polygons (%(polygon)s) "
                         "are supported"), code=values[2], type=repr(values[4]),
                  polygon=POLYGON)
    return _Draft(no, values, int(count_text), area, _decimals(area_text), [])


def _add_point(draft: _Draft, no: int, fields: list[str]) -> None:
    while fields and not fields[-1]:  # tolerate trailing commas
        fields.pop()
    if len(fields) != 4:
        raise _at(no, N_("expected 点号,圈号,X,Y, found %(count)s fields in %(found)s"),
                  count=len(fields), found=_show(",".join(fields)))
    name, ring_text, x_text, y_text = fields
    if not name:
        raise _at(no, N_("the point has no 点号"))
    if not _WHOLE.fullmatch(ring_text) or int(ring_text) < 1:
        raise _at(no, N_("bad 圈号 %(text)s (expected 1, 2, …)"), text=repr(ring_text))
    x = _number(no, x_text, X_FIELD)
    y = _number(no, y_text, Y_FIELD)
    draft.coord_decimals = max(draft.coord_decimals, _decimals(x_text), _decimals(y_text))
    draft.points.append((no, name, int(ring_text), x, y))


def _split_rings(points):
    """Consecutive points form a ring; a new ring starts when the ring number changes or
    after a ring has been closed by repeating its first point (files that number every
    part's outer ring 1 are read correctly too)."""
    rings: list[list] = []
    closed = True
    for pt in points:
        if closed or pt[2] != rings[-1][0][2]:
            rings.append([pt])
            closed = False
        else:
            rings[-1].append(pt)
            # back at the first point after at least two others: the ring is closed
            closed = len(rings[-1]) > 3 and pt[3:] == rings[-1][0][3:]
    return rings


def _parcel(d: _Draft, check_areas: bool = True) -> Parcel:
    code = d.fields[2]
    if not d.points:
        raise _at(d.line, N_("parcel %(code)s has no boundary points"), code=code)
    rings = _split_rings(d.points)
    closing = sum(1 for r in rings if len(r) > 3 and r[-1][3:] == r[0][3:])
    # 界址点数 counts the coordinate lines; some tools leave the closing points out.
    if d.point_count not in (len(d.points), len(d.points) - closing):
        raise _at(d.line, N_("parcel %(code)s: 界址点数 is %(count)s but %(lines)s "
                             "coordinate lines follow"), code=code, count=d.point_count,
                  lines=len(d.points))

    parts: list[list] = []   # [shell polygon, prepared shell, [hole coords], [hole prepared]]
    for ring in rings:
        coords = [(y, x) for _, _, _, x, y in ring]       # swap to x = easting, y = northing
        if len(coords) > 1 and coords[-1] == coords[0]:
            coords.pop()
        coords = [c for i, c in enumerate(coords) if i == 0 or c != coords[i - 1]]
        ring_no, first_line = ring[0][2], ring[0][0]
        if len(set(coords)) < 3:
            raise _at(first_line, N_("parcel %(code)s ring %(ring)s has %(count)s distinct "
                                     "points; a ring needs at least 3"), code=code,
                      ring=ring_no, count=len(set(coords)))
        polygon = Polygon(coords)
        if not polygon.is_valid:
            raise _at(first_line, N_("parcel %(code)s ring %(ring)s is not a simple closed "
                                     "ring (%(reason)s)"), code=code, ring=ring_no,
                      reason=geometry_reason(shapely.is_valid_reason(polygon)))
        # a ring inside an earlier outer ring (and not inside one of its holes, which
        # would make it an island) is a hole of it; otherwise it starts a new part
        owner = next((part for part in parts if part[1].covers(polygon)
                      and not any(h.covers(polygon) for h in part[3])), None)
        if owner is None:
            parts.append([polygon, prep(polygon), [], []])
        else:
            owner[2].append(coords)
            owner[3].append(prep(polygon))
    geometry = MultiPolygon([Polygon(part[0].exterior.coords, part[2]) for part in parts])
    if not geometry.is_valid:
        raise _at(d.line, N_("parcel %(code)s: the polygon is not valid (%(reason)s)"),
                  code=code, reason=geometry_reason(shapely.is_valid_reason(geometry)))

    if check_areas:
        _check_area(d, code, geometry)
    as_written = tuple(
        (ring[0][2], tuple((name, x, y) for _, name, _, x, y in ring)) for ring in rings)
    return Parcel(d.line, d.point_count, d.area_ha, code, d.fields[3], d.fields[4],
                  d.fields[5], d.fields[6], d.fields[7], geometry, as_written)


def _check_area(d: _Draft, code: str, geometry: MultiPolygon) -> None:
    """The declared area must match the polygon within what the file's decimals allow:
    half a unit of the area's last decimal, plus what rounding the coordinates to their
    last decimal can change: a vertex moves ≤ step/√2, changing the area by ≤ half that
    times the distance between its neighbours, so in all ≤ step/√2 · perimeter."""
    area_m2 = geometry.area
    step = 10.0 ** -d.coord_decimals
    tolerance_m2 = (0.5 * 10.0 ** -d.area_decimals * 1e4
                    + step / math.sqrt(2) * geometry.length + 1e-9 * area_m2)
    if abs(d.area_ha * 1e4 - area_m2) > tolerance_m2:
        raise _at(d.line, N_("parcel %(code)s declares %(declared)s 公顷 but its boundary "
                             "encloses %(enclosed)s 公顷"), code=code, declared=d.area_ha,
                  enclosed=f"{area_m2 / 1e4:.6f}")


__all__ = ["CoordinateFile", "Parcel", "read", "write"]
