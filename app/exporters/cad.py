"""DXF export of a plan for CAD users (CASS on AutoCAD) and GIS readers (DESIGN §4.8).

Coordinates are the park's zone-prefixed GK CRS exactly as in the result: x = easting with
the zone prefix (e.g. 38 403 000), y = northing, as drawings from Chinese survey
institutes are; model space in metres ($INSUNITS = 6).

**Version and encoding: DXF R2000 (AC1015), `$DWGCODEPAGE = ANSI_936`, every string in
GBK.** GDAL 3.6 (QGIS 3.28, Debian 12; also ArcGIS-era readers) decodes a DXF's strings by
`$DWGCODEPAGE` whatever the version: we wrote the same drawing three ways and read it with
`ogrinfo` without DXF_ENCODING —

- R2010/R2018 with ANSI_936 and UTF-8 text (what ezdxf writes for R2007+, and what this
  module wrote before): layer `红线` comes out as `绾㈢嚎`, text as mojibake;
- R2010/R2018 with ANSI_1252 and UTF-8 text: `çº¢çº¿`;
- R2000 with ANSI_936 and GBK text: `红线`, correct.

AutoCAD, CASS (on AutoCAD ≥ 2004) and ezdxf read an R2000 GBK drawing correctly too, and
Chinese AutoCAD writes R2000 DXF with exactly this code page. R2000 has every entity used
here (LWPOLYLINE, HATCH, MTEXT, XDATA, lineweights). The cost: a string can hold only what
GBK can. Chinese names are fine; a character outside GBK (ezdxf would write `\\U+XXXX`,
which GDAL decodes in MTEXT only) is refused with the plot it is in, not written garbled.

Layers, CASS-style (the same names in both languages, as CASS uses them):

- `JZD` 界址点: one POINT per place in `result.boundary_points` (a corner shared by two
  plots and numbered once is drawn once; if a place carries two numbers, as with
  per-plot numbering, they share a label `J1/J4`), and its label `J<number>` as TEXT,
  set off from the point into the widest gap between the boundary lines that meet
  there, so it never sits on a line; the header's $PDMODE/$PDSIZE
  draw the points as small circles;
- `JZX` 界址线: one closed LWPOLYLINE per ring (each part's outer ring, and its holes) in
  界址点 order;
- `ZDH` 宗地号: an MTEXT per plot at a point inside it, the plot code and on a second line
  the area in 亩;
- one layer per GB/T 21010 land class, named code + name as on 三调 maps (`0101水田`;
  `未分类` / `UNCLASSIFIED` without a class), coloured by land group, holding each plot
  part as a HATCH (outer ring and holes, pattern ANSI31): the plot polygon;
- `红线` / `RED_LINE`: the outline of the whole plan (union of the plots), red, heavy;
- `TK` 图廓注记: the plan's title, park, CRS, date and the plots left out, as one MTEXT
  above the drawing (R2000 has no custom drawing properties);
- context, where the result has it: `道路`/`ROAD`, `园区分区`/`ZONE` and `相邻地块`/
  `NEIGHBOUR_PLOT`, as polylines.

**The land class as an attribute.** GDAL ≥ 2.3 shows no XDATA by default (its
`ExtendedEntity` field is gone; XDATA comes as `RawCodeValues` only with
DXF_INCLUDE_RAW_CODE_VALUES=TRUE), and a block's attributes only with
DXF_INLINE_BLOCKS=FALSE; by default a reader gets `Layer`, `SubClasses`, `EntityHandle`
and `Text`. So the class is in both places: the plot polygon (the HATCH) lies on its class
layer, the one attribute every reader shows without options, and every plot entity carries
XDATA of the registered application `PARKATLAS` with the class code and name, which
CASS/AutoCAD (LIST, XDLIST) and GDAL with raw code values read. The class layers hold
hatches, not a second copy of the boundary polylines: CASS's checks flag coincident lines,
and the hatch is what a GIS turns into the plot polygon (GDAL 3.6 reads one HATCH as one
polygon with its holes, so multipart plots get one hatch per part).

XDATA (`PARKATLAS`), values in this order:

    JZX polyline:  1000 plot code, 1000 land class code, 1000 land class name,
                   1071 part (1..), 1071 ring in the part (0 = outer, 1.. holes),
                   1040 plot area m², 1040 plot area 亩
    class hatch:   1000 plot code, 1000 class code, 1000 class name, 1071 part,
                   1040 plot area m², 1040 plot area 亩
    ZDH label:     1000 plot code, 1000 class code, 1000 class name,
                   1040 plot area m², 1040 plot area 亩
    JZD point:     1000 J<number> (or J1/J4), 1000 plot code (one per plot the point
                   is on),
                   1040 X (northing), 1040 Y (prefixed easting)
    red line:      1040 plan area m², 1040 plan area 亩

Text heights follow the plot size (see `text_height`): parcel labels about 1/15 of the
median plot's side, point labels two thirds of that (CASS's 3 mm and 2 mm at the sheet's
scale), smaller where the boundary's sides are short. Text uses the style `宋体` (simsun.ttc,
family SimSun), present on every Chinese Windows.
"""

from __future__ import annotations

import io
import math
import re
import statistics
from collections import defaultdict

import ezdxf
import shapely
from ezdxf.enums import MTextEntityAlignment, TextEntityAlignment

from app.errors import BadRequest, Text
from app.exporters.headings import crs_name, pick
from app.labels import N_
from app.plan_result import PlanResult, plot_rings, to_mu

APPID = "PARKATLAS"
DXF_VERSION = "R2000"
CODEPAGE = "gbk"                # $DWGCODEPAGE = ANSI_936
TEXT_STYLE = "宋体"
FONT_FILE = "simsun.ttc"
FONT_FAMILY = "SimSun"
METRES = 6                      # $INSUNITS
RED = 1                         # AutoCAD colour index
GREY = 8
POINT_LAYER = "JZD"             # 界址点
LINE_LAYER = "JZX"              # 界址线
LABEL_LAYER = "ZDH"             # 宗地号
TITLE_LAYER = "TK"              # 图廓 (title and notes)
RED_LINE_LAYER = ("红线", "RED_LINE")
CONTEXT_LAYERS = {"road": ("道路", "ROAD"), "zone": ("园区分区", "ZONE"),
                  "plot": ("相邻地块", "NEIGHBOUR_PLOT")}
UNCLASSIFIED = ("未分类", "UNCLASSIFIED")
MU = ("亩", " mu")
HATCH_PATTERN = "ANSI31"
POINT_SYMBOL = 33               # $PDMODE: a circle (32) around an invisible point (1)
#: AutoCAD colour index of each land group's layers; red is kept for the red line.
GROUP_COLOURS = {"cultivated": 2, "agricultural": 3, "construction": 30, "unused": 8}
OTHER_COLOUR = 7
#: Characters AutoCAD refuses in table names (layers, styles).
_NOT_IN_NAMES = re.compile(r'[<>/\\":;?*|=`,\x00-\x1f]')
#: Where a point label's box starts, by the direction it is set off in (see `_alignment`).
_ALIGN = {(h, v): getattr(TextEntityAlignment, f"{v}_{h}")
          for h in ("LEFT", "CENTER", "RIGHT") for v in ("TOP", "MIDDLE", "BOTTOM")}


def layer_name(land_class: str | None, land_class_name: str | None, lang: str = "zh") -> str:
    """The DXF layer of a land class, e.g. `0101水田`; characters DXF refuses become `_`."""
    label = f"{land_class or ''}{land_class_name or ''}".strip() or pick(UNCLASSIFIED, lang)
    return _NOT_IN_NAMES.sub("_", label)[:255]


def text_height(areas_m2: list[float]) -> float:
    """Label height in metres from the typical plot size, so labels fit most plots.

    About 1/15 of the side of the median plot (a 1 ha plot gets 6.5 m), in half-metre
    steps, between 0.5 m and 50 m.
    """
    if not areas_m2:
        return 2.5
    side = math.sqrt(max(statistics.median(areas_m2), 0.0))
    return min(50.0, max(0.5, round(side / 15 * 2) / 2))


def point_label_height(plot_label_height: float, sides_m: list[float]) -> float:
    """界址点 label height: two thirds of the plot labels', at most a quarter of the median
    side between points (dense vertices get small labels), in quarter metres, ≥ 0.25 m."""
    height = plot_label_height * 2 / 3
    if sides_m:
        height = min(height, statistics.median(sides_m) / 4)
    return max(0.25, round(height * 4) / 4)


def write_dxf(result: PlanResult, lang: str = "zh") -> bytes:
    """The plan as DXF R2000 (GBK) in GK metres: JZD/JZX/ZDH, class hatches, red line."""
    doc = ezdxf.new(DXF_VERSION, units=METRES)
    doc.encoding = CODEPAGE
    doc.header["$INSUNITS"] = METRES
    doc.header["$MEASUREMENT"] = 1           # metric
    doc.appids.add(APPID)
    style = doc.styles.add(TEXT_STYLE, font=FONT_FILE)
    style.set_extended_font_data(family=FONT_FAMILY)
    msp = doc.modelspace()
    plots = result.plots
    height = text_height([p.area_m2 for p in plots])
    point_height = point_label_height(height, [pt.side_m for pt in result.boundary_points])
    doc.header["$PDMODE"] = POINT_SYMBOL
    doc.header["$PDSIZE"] = point_height / 2

    class_layers = [layer_name(p.land_class, p.land_class_name, lang) for p in plots]
    for name, plot in dict(zip(class_layers, plots, strict=True)).items():
        doc.layers.add(_gbk(name, plot.code), color=GROUP_COLOURS.get(plot.land_group,
                                                                      OTHER_COLOUR))
    for name, colour in ((POINT_LAYER, OTHER_COLOUR), (LINE_LAYER, OTHER_COLOUR),
                         (LABEL_LAYER, OTHER_COLOUR), (TITLE_LAYER, OTHER_COLOUR)):
        doc.layers.add(name, color=colour)
    red_layer = pick(RED_LINE_LAYER, lang)
    doc.layers.add(red_layer, color=RED, lineweight=50)

    anchors = shapely.point_on_surface([p.geometry for p in plots]) if plots else []
    for plot, anchor, class_layer in zip(plots, anchors, class_layers, strict=True):
        who = [(1000, _gbk(plot.code, plot.code)),
               (1000, _gbk(plot.land_class or "", plot.code)),
               (1000, _gbk(plot.land_class_name or "", plot.code))]
        area = [(1040, plot.area_m2), (1040, plot.area_mu)]
        parts = getattr(plot.geometry, "geoms", [plot.geometry])
        for part_no, part in enumerate(parts, start=1):
            rings = plot_rings(part)
            for ring_no, ring in enumerate(rings):
                msp.add_lwpolyline(ring[:-1], format="xy", close=True,
                                   dxfattribs={"layer": LINE_LAYER}).set_xdata(
                    APPID, [*who, (1071, part_no), (1071, ring_no), *area])
            hatch = msp.add_hatch(dxfattribs={"layer": class_layer})
            hatch.set_pattern_fill(HATCH_PATTERN, scale=max(height / 4, 0.1))
            for ring_no, ring in enumerate(rings):
                hatch.paths.add_polyline_path(
                    ring[:-1], is_closed=True,
                    flags=ezdxf.const.BOUNDARY_PATH_EXTERNAL if ring_no == 0
                    else ezdxf.const.BOUNDARY_PATH_OUTERMOST)   # an island: left empty
            hatch.set_xdata(APPID, [*who, (1071, part_no), *area])
        label = msp.add_mtext(
            f"{_mtext_escape(plot.code)}\\P{plot.area_mu:.4f}{pick(MU, lang)}",
            dxfattribs={"layer": LABEL_LAYER, "style": TEXT_STYLE, "char_height": height,
                        "insert": (anchor.x, anchor.y)})
        label.dxf.attachment_point = MTextEntityAlignment.MIDDLE_CENTER
        label.set_xdata(APPID, [*who, *area])

    _boundary_points(msp, result, point_height)
    _context(doc, result, lang)
    if plots:
        outline = shapely.union_all([p.geometry for p in plots])
        total = [(1040, result.area_m2), (1040, to_mu(result.area_m2))]
        for ring in plot_rings(outline):
            msp.add_lwpolyline(ring[:-1], format="xy", close=True,
                               dxfattribs={"layer": red_layer}).set_xdata(APPID, total)
        bounds = shapely.total_bounds([p.geometry for p in plots])
        _title(msp, result, height, bounds, lang)
        _zoom_to(doc, bounds)

    stream = io.StringIO()
    doc.write(stream)
    return doc.encode(stream.getvalue())    # GBK: `_gbk` checked every string we put in


def _gbk(value: str, plot_code: str | None = None) -> str:
    """`value` if GBK can hold it; else a 400 naming the plot (or the value) and the character."""
    try:
        value.encode(CODEPAGE)
    except UnicodeEncodeError as exc:
        ch = value[exc.start]
        where = Text(N_("plot %(code)s"), code=plot_code) if plot_code else repr(value)
        raise BadRequest(Text(N_(
            "%(where)s: character %(character)s (U+%(code)s) cannot be written in the "
            "DXF's GBK code page (ANSI_936); change the text"), where=where,
            character=repr(ch), code=f"{ord(ch):04X}"),
            details={"where": where, "character": ch}) from None
    return value


def _boundary_points(msp, result: PlanResult, height: float) -> None:
    """A POINT and a `J<n>` TEXT on JZD for each place a boundary point is numbered at.

    With plan-wide numbering (a shared corner numbered once) that is one per number; where
    a place carries several numbers (per-plot numbering) they share one label, `J1/J4`,
    rather than print over each other."""
    neighbours: dict[tuple, set] = defaultdict(set)   # vertex → the vertices it is joined to
    for plot in result.plots:
        for ring in plot_rings(plot.geometry):
            coords = ring[:-1]
            for i, vertex in enumerate(coords):
                neighbours[_key(*vertex)].update(
                    (coords[i - 1], coords[(i + 1) % len(coords)]))
    places: dict[tuple, tuple] = {}                 # place → (first point, names, plot codes)
    for pt in result.boundary_points:
        first, names, codes = places.setdefault(_key(pt.y, pt.x), (pt, [], []))
        for have, value in ((names, pt.name), (codes, pt.plot_code)):
            if value not in have:
                have.append(value)
    for place, (pt, names, codes) in places.items():
        name = "/".join(names)
        tags = [(1000, name), *((1000, code) for code in codes), (1040, pt.x), (1040, pt.y)]
        msp.add_point((pt.y, pt.x), dxfattribs={"layer": POINT_LAYER}).set_xdata(APPID, tags)
        dx, dy = _free_direction((pt.y, pt.x), neighbours.get(place, ()))
        gap = height * 0.6
        label = msp.add_text(name, height=height, dxfattribs={
            "layer": POINT_LAYER, "style": TEXT_STYLE})
        label.set_placement((pt.y + dx * gap, pt.x + dy * gap), align=_alignment(dx, dy))


def _key(x: float, y: float) -> tuple[float, float]:
    return round(x, 4), round(y, 4)


def _free_direction(at: tuple[float, float], others) -> tuple[float, float]:
    """The unit vector halfway across the widest gap between the lines leaving `at`."""
    angles = sorted(math.atan2(y - at[1], x - at[0]) for x, y in others
                    if (x, y) != tuple(at))
    if not angles:
        return (math.sqrt(0.5), math.sqrt(0.5))
    gaps = [((angles[(i + 1) % len(angles)] - a) % (2 * math.pi) or 2 * math.pi, a)
            for i, a in enumerate(angles)]
    width, start = max(gaps)
    middle = start + width / 2
    return math.cos(middle), math.sin(middle)


def _alignment(dx: float, dy: float) -> TextEntityAlignment:
    """Which corner or side of the label is at its insertion point, so that the text
    extends away from the boundary point in the direction (dx, dy)."""
    horizontal = "LEFT" if dx > 0.38 else "RIGHT" if dx < -0.38 else "CENTER"
    vertical = "BOTTOM" if dy > 0.38 else "TOP" if dy < -0.38 else "MIDDLE"
    return _ALIGN[(horizontal, vertical)]


def _context(doc, result: PlanResult, lang: str) -> None:
    """Roads, zones and neighbour plots around the plan, grey, each with its label as XDATA."""
    msp = doc.modelspace()
    for feature in result.context:
        layer = pick(CONTEXT_LAYERS.get(feature.kind, CONTEXT_LAYERS["plot"]), lang)
        if not doc.layers.has_entry(layer):
            doc.layers.add(layer, color=GREY)
        tags = [(1000, _gbk(feature.label or ""))]
        geometry = feature.geometry
        if geometry.geom_type in ("Polygon", "MultiPolygon"):
            lines = [(ring[:-1], True) for ring in plot_rings(geometry)]
        else:
            lines = [(list(g.coords), False) for g in getattr(geometry, "geoms", [geometry])]
        for coords, closed in lines:
            msp.add_lwpolyline(coords, format="xy", close=closed,
                               dxfattribs={"layer": layer}).set_xdata(APPID, tags)


def _title(msp, result: PlanResult, height: float, bounds, lang: str) -> None:
    """The plan's title, park, CRS and date above the drawing (TK), for the reader of the
    drawing and in XDATA as KEY=value pairs for a program."""
    crs = crs_name(result.gk_zone, result.gk_epsg, lang=lang)
    lines = [result.title, f"{result.park_name}  {result.organisation}",
             f"{pick(('坐标系', 'CRS'), lang)} {crs}",
             f"{pick(('数据日期', 'Date'), lang)} {result.computed_on.isoformat()}"]
    left_out = " ".join(e.code for e in result.excluded)
    if left_out:
        lines.append(pick(("未列入（已征收）：", "Left out (already requisitioned): "), lang)
                     + left_out)
    note = msp.add_mtext("\\P".join(_mtext_escape(_gbk(line)) for line in lines), dxfattribs={
        "layer": TITLE_LAYER, "style": TEXT_STYLE, "char_height": height,
        # MTEXT lines are 5/3 of the text height apart; a line's height of space below
        "insert": (float(bounds[0]), float(bounds[3]) + height * (len(lines) * 5 / 3 + 1))})
    note.dxf.attachment_point = MTextEntityAlignment.TOP_LEFT
    facts = {"PLAN": result.title, "PARK": result.park_name,
             "ORGANISATION": result.organisation, "DATE": result.computed_on.isoformat(),
             "CRS": f"EPSG:{result.gk_epsg}", "GK_ZONE": str(result.gk_zone),
             "EXCLUDED_REQUISITIONED": left_out}
    note.set_xdata(APPID, [(1000, _gbk(f"{k}={v}")) for k, v in facts.items()])


def _zoom_to(doc, bounds) -> None:
    # Without extents CAD opens at the origin, some 38 000 km from the zone-prefixed plan.
    xmin, ymin, xmax, ymax = (float(v) for v in bounds)
    msp = doc.modelspace()       # ezdxf copies these to $EXTMIN/$EXTMAX on saving
    msp.dxf.extmin = (xmin, ymin, 0.0)
    msp.dxf.extmax = (xmax, ymax, 0.0)
    size = max(xmax - xmin, ymax - ymin, 1.0)
    doc.set_modelspace_vport(height=size * 1.1, center=((xmin + xmax) / 2, (ymin + ymax) / 2))


def _mtext_escape(text: str) -> str:
    # MTEXT treats backslashes and braces as formatting codes.
    return text.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}")


__all__ = ["APPID", "DXF_VERSION", "FONT_FILE", "LABEL_LAYER", "LINE_LAYER", "POINT_LAYER",
           "TEXT_STYLE", "TITLE_LAYER", "layer_name", "point_label_height", "text_height",
           "write_dxf"]
