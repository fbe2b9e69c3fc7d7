"""DXF export of a plan for CAD users (DESIGN §4.8), written with ezdxf.

DXF R2010 (text is UTF-8 there), model space in metres ($INSUNITS = 6), coordinates in
the park's zone-prefixed GK CRS exactly as in the result: x = easting with the zone
prefix (e.g. 38 403 000), y = northing, as CAD drawings from Chinese survey institutes are.

Layers:

- one per GB/T 21010 land class, named code + name as on 三调 maps, e.g. `0101水田`
  (`未分类` / `UNCLASSIFIED` without a class), coloured by land group; every ring of a plot
  (each part's outer ring and its holes) is a closed LWPOLYLINE on its class layer, in
  界址点 order (outer rings clockwise from the north-west corner, holes anticlockwise);
- `地块注记` / `PLOT_LABEL`: an MTEXT per plot at a point inside it, the plot code and on
  a second line the area in 亩;
- `红线` / `RED_LINE`: the outline of the whole plan (union of the plots), red.

Every polyline and label carries XDATA of the application `PARKATLAS`, so a reader can
group the rings of a plot (GDAL shows it in `RawCodeValues` with
DXF_INCLUDE_RAW_CODE_VALUES=TRUE):

    1000 plot code
    1071 part number, 1.. (polylines only)
    1071 ring number within the part: 0 = outer ring, 1.. = holes (polylines only)
    1040 plot area, m² (full precision)
    1040 plot area, 亩

(the red-line polylines carry only the plan's total area, m² and 亩).

Text uses the style `宋体` (font file simsun.ttc, family SimSun), present on every
Chinese Windows; where it is missing AutoCAD substitutes its FONTALT font, and the family
name lets other CAD programs pick any installed SimSun.
"""

from __future__ import annotations

import io
import math
import re
import statistics

import ezdxf
import shapely
from ezdxf.enums import MTextEntityAlignment

from app.exporters.headings import pick
from app.plan_result import PlanResult, plot_rings, to_mu

APPID = "PARKATLAS"
TEXT_STYLE = "宋体"
FONT_FILE = "simsun.ttc"
FONT_FAMILY = "SimSun"
METRES = 6                      # $INSUNITS
RED = 1                         # AutoCAD colour index
LABEL_LAYER = ("地块注记", "PLOT_LABEL")
RED_LINE_LAYER = ("红线", "RED_LINE")
UNCLASSIFIED = ("未分类", "UNCLASSIFIED")
MU = ("亩", " mu")
#: AutoCAD colour index of each land group's layers; red is kept for the red line.
GROUP_COLOURS = {"cultivated": 2, "agricultural": 3, "construction": 30, "unused": 8}
OTHER_COLOUR = 7
#: Characters AutoCAD refuses in table names (layers, styles).
_NOT_IN_NAMES = re.compile(r'[<>/\\":;?*|=`,\x00-\x1f]')


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


def write_dxf(result: PlanResult, lang: str = "zh") -> bytes:
    """The plan as DXF R2010 in GK metres: class layers, plot labels and the red line."""
    doc = ezdxf.new("R2010", units=METRES)
    doc.header["$INSUNITS"] = METRES
    doc.header["$MEASUREMENT"] = 1           # metric
    # $DWGCODEPAGE = ANSI_936, as Chinese AutoCAD writes (ezdxf takes it from
    # doc.encoding). R2010 text stays UTF-8; the code page only matters if someone saves
    # the drawing back to a pre-2007 DXF.
    doc.encoding = "gbk"
    for key, value in (("PLAN", result.title), ("PARK", result.park_name),
                       ("ORGANISATION", result.organisation),
                       ("DATE", result.computed_on.isoformat()),
                       ("CRS", f"EPSG:{result.gk_epsg}"), ("GK_ZONE", str(result.gk_zone))):
        doc.header.custom_vars.append(key, value)
    if result.excluded:  # selected but already requisitioned: say they were left out
        doc.header.custom_vars.append(
            "EXCLUDED_REQUISITIONED", " ".join(e.code for e in result.excluded))
    doc.appids.add(APPID)
    style = doc.styles.add(TEXT_STYLE, font=FONT_FILE)
    style.set_extended_font_data(family=FONT_FAMILY)

    label_layer = pick(LABEL_LAYER, lang)
    red_layer = pick(RED_LINE_LAYER, lang)
    msp = doc.modelspace()
    plots = result.plots
    height = text_height([p.area_m2 for p in plots])
    class_layers = [layer_name(p.land_class, p.land_class_name, lang) for p in plots]
    for name, plot in dict(zip(class_layers, plots, strict=True)).items():
        doc.layers.add(name, color=GROUP_COLOURS.get(plot.land_group, OTHER_COLOUR))
    doc.layers.add(label_layer, color=OTHER_COLOUR)
    doc.layers.add(red_layer, color=RED, lineweight=50)

    geometries = [p.geometry for p in plots]
    anchors = shapely.point_on_surface(geometries) if plots else []
    for plot, anchor, class_layer in zip(plots, anchors, class_layers, strict=True):
        layer = {"layer": class_layer}
        area_tags = [(1040, plot.area_m2), (1040, plot.area_mu)]
        parts = getattr(plot.geometry, "geoms", [plot.geometry])
        for part_no, part in enumerate(parts, start=1):
            for ring_no, ring in enumerate(plot_rings(part)):
                polyline = msp.add_lwpolyline(ring[:-1], format="xy", close=True,
                                              dxfattribs=layer)
                polyline.set_xdata(APPID, [(1000, plot.code), (1071, part_no),
                                           (1071, ring_no), *area_tags])
        label = msp.add_mtext(
            f"{_mtext_escape(plot.code)}\\P{plot.area_mu:.4f}{pick(MU, lang)}",
            dxfattribs={"layer": label_layer, "style": TEXT_STYLE, "char_height": height,
                        "insert": (anchor.x, anchor.y)})
        label.dxf.attachment_point = MTextEntityAlignment.MIDDLE_CENTER
        label.set_xdata(APPID, [(1000, plot.code), *area_tags])

    if plots:
        outline = shapely.union_all(geometries)
        total = [(1040, result.area_m2), (1040, to_mu(result.area_m2))]
        for ring in plot_rings(outline):
            msp.add_lwpolyline(ring[:-1], format="xy", close=True,
                               dxfattribs={"layer": red_layer}).set_xdata(APPID, total)
        _zoom_to(doc, shapely.total_bounds(geometries))

    stream = io.StringIO()
    doc.write(stream)
    return doc.encode(stream.getvalue())


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


__all__ = ["APPID", "FONT_FILE", "TEXT_STYLE", "layer_name", "text_height", "write_dxf"]
