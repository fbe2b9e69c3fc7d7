"""PDF report of a land-requisition plan (征地方案, DESIGN §4.8).

One A4 landscape document: a title block with the plan's key figures, a map sheet (the
plan's plots and red line over roads, zones and neighbour plots, at a stated scale with
scale bar, north arrow, legend and GK grid ticks), then the area, owner and per-plot
compensation tables. Every number is read from the `PlanResult`, so the PDF agrees with
the workbook and the coordinate file.

Landscape, because a map sheet is wider than tall and the per-plot table has ten columns
that need the width; one page size keeps the footer and the page numbering simple.
"""

from __future__ import annotations

import functools
import io
import math
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import shapely
import shapely.affinity
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import FILL_EVEN_ODD, Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon, box

from app.errors import Text
from app.exporters.headings import (
    COMPONENTS,
    EXCLUSION_REASONS,
    FARMLAND,
    FIELDS,
    LAND_GROUPS,
    OWNER_TYPES,
    PLAN_STATUSES,
    UNITS,
    crs_name,
    name,
    pick,
)
from app.exporters.workbook import COORD_DECIMALS, POINT_COLUMNS, SIDE_DECIMALS, point_tables
from app.labels import N_
from app.plan_result import COMPONENTS as COMPONENT_KEYS
from app.plan_result import LAND_GROUPS as GROUP_KEYS
from app.plan_result import PlanResult, to_ha, to_mu

#: The CJK font embedded in every report: TrueType outlines, which ReportLab can subset
#: and embed (the OTF/CFF Noto CJK fonts it cannot).
FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
FONT_PACKAGE = "fonts-wqy-microhei"
FONT = "WenQuanYiMicroHei"


class ReportFontMissing(RuntimeError):
    """The CJK font the PDF report embeds is not installed on this server."""


# --- page layout (points; origin bottom-left) -------------------------------------------

PAGE_W, PAGE_H = landscape(A4)
MARGIN = 12 * mm
FOOTER_H = 8 * mm
BODY = (MARGIN, MARGIN + FOOTER_H, PAGE_W - MARGIN, PAGE_H - MARGIN)  # x0, y0, x1, y1
PANEL_W = 62 * mm        # the map sheet's side panel: north arrow, scale, legend, title box
HEADER_H = 26            # the map sheet's title line
TICK_ROOM = 14           # room outside the map frame for the grid coordinates
#: The map frame on the map sheet, in page points: x0, y0, x1, y1.
MAP_FRAME = (BODY[0] + TICK_ROOM, BODY[1] + TICK_ROOM,
             BODY[2] - PANEL_W - 8, BODY[3] - HEADER_H - 6)

PT_PER_M_AT_1 = 72 / 0.0254          # points per metre of ground at a scale of 1:1
NICE = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8)
#: Plot label styles, tried in turn: (code size, 亩 size or None for the code alone).
PLOT_LABEL_STYLES = ((7.0, 6.0), (7.0, None), (5.5, None))
#: 界址点 on the map sheet: J labels of 5.5 pt (about 2 mm, legible in print), a dot of
#: this radius, and the eight places tried round the dot (x, y direction).
J_LABEL_SIZE = 5.5
J_DOT_RADIUS = 0.9
J_GRID = 6.0             # cell of the grid that finds colliding J labels, points
J_OFFSETS = ((1, 1), (-1, 1), (1, -1), (-1, -1), (1, 0), (-1, 0), (0, 1), (0, -1))

# --- colours --------------------------------------------------------------------------

RED = colors.Color(0.88, 0, 0)
PLOT_FILL = colors.Color(1.0, 0.95, 0.72)
STATE_FILL = colors.Color(0.84, 0.90, 0.96)
PLOT_LINE = colors.Color(0.25, 0.22, 0.15)
ROAD = colors.Color(0.38, 0.38, 0.40)
ZONE = colors.Color(0.50, 0.22, 0.62)
NEIGHBOUR_FILL = colors.Color(0.89, 0.89, 0.89)
NEIGHBOUR_LINE = colors.Color(0.58, 0.58, 0.58)
GRID = colors.Color(0.62, 0.62, 0.62)
HEADER_BG = colors.Color(0.90, 0.91, 0.93)
TOTAL_BG = colors.Color(0.96, 0.96, 0.90)

# --- headings (zh, en) ----------------------------------------------------------------

H = {**FIELDS,
    "report": ("征地方案报告", "Land-requisition plan report"),
    "organisation": ("数据产生单位", "Organisation"),
    "computed_on": ("数据产生日期", "Date computed"),
    "plots_n": ("地块数", "Plots"),
    "total_area": ("征地范围总面积", "Total area"),
    "excluded_n": ("已排除地块", "Plots left out"),
    "by_group": ("面积汇总（按地类）", "Area by land group"),
    "by_ownership": ("面积汇总（按权属性质）", "Area by ownership"),
    "by_class": ("面积汇总（按 GB/T 21010 地类）", "Area by land class (GB/T 21010)"),
    "compensation": ("补偿费用估算", "Compensation estimate"),
    "owners": ("权属单位汇总", "Totals by owner"),
    "per_plot": ("地块补偿明细", "Compensation by plot"),
    "excluded": ("已排除地块", "Plots left out"),
    "excluded_note": ("下列地块已征收，不再列入本方案，其面积与补偿未计入以上各表：",
                      "These plots are already requisitioned and left out of the plan; "
                      "their area and compensation are not in the tables above:"),
    "group": ("地类", "Land group"),
    "of_which_cultivated": ("其中：耕地", "of which cultivated land"),
    "collective_land": ("集体土地（征收）", "Collective land (requisitioned)"),
    "state_land": ("国有土地（不征收）", "State land (not requisitioned)"),
    "class_code": ("地类编码", "Class code"),
    "class_name": ("地类名称", "Class name"),
    "amount": ("金额（元）", "Amount (yuan)"),
    "since": ("征收日期", "Requisitioned on"),
    "map_title": ("征地范围图", "Requisition map"),
    "scale": ("比例尺", "Scale"),
    "legend": ("图例", "Legend"),
    "red_line": ("红线", "Red line"),
    "plan_plot": ("征地地块", "Plan plot"),
    "state_plot": ("国有土地", "State land"),
    "road": ("道路", "Road"),
    "planned_road": ("规划道路", "Planned road"),
    "zone": ("功能分区", "Zone"),
    "other_plot": ("其他地块", "Other plot"),
    "grid_north": ("坐标北", "Grid north"),
    "units_m": ("坐标单位：米", "Coordinates in metres"),
    "axes": ("X 北向，Y 东向（含带号）", "X northing, Y easting (zone prefix)"),
    "no_plots": ("方案无地块", "The plan has no plots"),
    "page": ("第 {n} 页 / 共 {total} 页", "Page {n} of {total}"),
    "version_n": ("第 {v} 版", "version {v}"),
    "surveyed_by": ("测量", "Surveyed by"),
    "tabulated_by": ("制表", "Tabulated by"),
    "checked_by": ("审核", "Checked by"),
    "sign_unit": ("单位", "Unit"),
    "sign_date": ("日期", "Date"),
    "j_labels_all": ("界址点坐标见界址点成果表", "Boundary point coordinates: see the "
                     "boundary point table"),
    "j_labels_thinned": ("图上标注界址点 {shown} 个（共 {total} 个，注记重叠处省略），"
                         "全部界址点见界址点成果表",
                         "{shown} of {total} boundary points labelled (overlapping labels "
                         "left out); the full list is in the boundary point table"),
    "boundary_point": ("界址点", "Boundary point"),
}


def _unit(key: str, lang: str) -> str:
    return pick(UNITS[key], lang)


def _with_unit(heading: str, unit: str, lang: str, sep: str = "") -> str:
    """A column heading with its unit; `sep="\n"` puts the unit on a line of its own."""
    return f"{heading}{sep or ' '}({unit})" if lang == "en" else f"{heading}{sep}（{unit}）"


# --- numbers, formatted for reading (full precision kept: 0.01 m², 0.0001 亩) ----------

def _m2(value: float) -> str:
    return f"{value:,.2f}"


def _mu(value: float) -> str:
    return f"{value:,.4f}"


def _ha(value: float) -> str:
    return f"{value:,.6f}"


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


# --- font -------------------------------------------------------------------------------

def cjk_font() -> str:
    """Register the CJK font (once per process and path) and return its ReportLab name."""
    return _register_font(FONT_PATH)


@functools.lru_cache(maxsize=4)
def _register_font(path: str) -> str:
    # Errors are not cached, so a font installed later is picked up on the next export.
    if not Path(path).is_file():
        raise ReportFontMissing(
            f"the PDF report needs the WenQuanYi Micro Hei font at {path}; install the "
            f"Debian package {FONT_PACKAGE} (apt-get install {FONT_PACKAGE})")
    font_name = FONT if path == FONT_PATH else f"{FONT}-{abs(hash(path))}"
    try:
        pdfmetrics.registerFont(TTFont(font_name, path, subfontIndex=0))
    except TTFError as exc:
        raise ReportFontMissing(
            f"cannot embed the font {path} ({exc}); reinstall the Debian package "
            f"{FONT_PACKAGE}") from exc
    # One face for every style, so <b>/<i> in paragraph markup never looks up a missing
    # bold font (the text is escaped, but headings may use it).
    pdfmetrics.registerFontFamily(font_name, normal=font_name, bold=font_name,
                                  italic=font_name, boldItalic=font_name)
    return font_name


# --- public -----------------------------------------------------------------------------

def write_pdf(result: PlanResult, lang: str = "zh", progress=None) -> bytes:
    """The plan's PDF report (A4 landscape) in Chinese (default) or English (`lang="en"`);
    `progress(done, total, message)` hears of each page laid out (done and total count
    the story's parts: the pages are not known before they are laid out)."""
    font = cjk_font()
    lang = "en" if lang == "en" else "zh"
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf, pagesize=(PAGE_W, PAGE_H),
        leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN + FOOTER_H,
        title=result.title,
        author=result.author or result.organisation,
        subject=f"{pick(H['report'], lang)} — {result.park_name}",
        creator="ParkAtlas", keywords=[result.park_name, result.organisation],
        lang="en" if lang == "en" else "zh-CN", pageCompression=1,
        initialFontName=font,
    )
    frame = (BODY[0], BODY[1], BODY[2] - BODY[0], BODY[3] - BODY[1])
    doc.addPageTemplates([
        PageTemplate("body", [Frame(*frame, id="body", leftPadding=0, rightPadding=0,
                                    topPadding=0, bottomPadding=0)]),
        PageTemplate("map", [Frame(*frame, id="map", leftPadding=0, rightPadding=0,
                                   topPadding=0, bottomPadding=0)]),
    ])
    styles = _styles(font)
    story: list = []
    story += _title_block(result, lang, styles)
    story += [NextPageTemplate("map"), PageBreak(), MapSheet(result, lang, font),
              NextPageTemplate("body"), PageBreak()]
    story += _detail_tables(result, lang, styles)
    story += _point_pages(result, lang, styles)
    if progress:
        doc.setProgressCallBack(_progress_of(progress, len(story)))
    doc.build(story, canvasmaker=_numbered_canvas(result, lang, font))
    return buf.getvalue()


def _progress_of(progress, parts: int):
    """ReportLab's progress callback (typ, value) as `progress(done, total, message)`: a
    report per page, with the parts of the story laid out so far (+1: the footers and the
    file are written after the last part)."""
    state = {"done": 0}

    def hear(typ: str, value: int) -> None:
        if typ == "PROGRESS":
            state["done"] = value
        elif typ == "PAGE":
            progress(min(state["done"], parts), parts + 1,
                     Text(N_("Laying out page %(page)s of the PDF report"), page=value))
    return hear


# --- paragraphs and tables ------------------------------------------------------------

def _styles(font: str) -> dict[str, ParagraphStyle]:
    return {
        "kicker": ParagraphStyle("kicker", fontName=font, fontSize=11, leading=14,
                                 textColor=colors.Color(0.35, 0.35, 0.35)),
        "title": ParagraphStyle("title", fontName=font, fontSize=20, leading=26,
                                spaceAfter=8),
        "h2": ParagraphStyle("h2", fontName=font, fontSize=12, leading=16, spaceBefore=10,
                             spaceAfter=4),
        "body": ParagraphStyle("body", fontName=font, fontSize=9, leading=12),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=8, leading=10),
        "head": ParagraphStyle("head", fontName=font, fontSize=7.5, leading=9.5,
                               alignment=TA_CENTER),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    # Paragraphs parse a mini-markup: escape every text that comes from data.
    return Paragraph(escape(text), style)


def _cell(text: str, width: float, style: ParagraphStyle):
    """Plain text when it fits the column (fast), else a wrapping paragraph."""
    # 12 = the table's default left and right cell padding
    if pdfmetrics.stringWidth(text, style.fontName, style.fontSize) <= width - 12:
        return text
    return _p(text, style)


def _table(header: list[str], rows: list[list], widths: list[float], styles,
           numeric_from: int, total_rows: int = 0, repeat: bool = True) -> Table:
    """A grid table: wrapped header cells, numbers right-aligned, total rows shaded."""
    cell = styles["cell"]
    # a "\n" in a heading is where its unit goes onto its own line
    data = [[Paragraph("<br/>".join(escape(part) for part in h.split("\n")), styles["head"])
             for h in header]]
    data += [[_cell(v, w, cell) if isinstance(v, str) and c < numeric_from else v
              for c, (v, w) in enumerate(zip(row, widths, strict=True))] for row in rows]
    style = [
        ("FONT", (0, 0), (-1, -1), cell.fontName, cell.fontSize),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.Color(0.55, 0.55, 0.55)),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if total_rows:
        style.append(("BACKGROUND", (0, -total_rows), (-1, -1), TOTAL_BG))
    return Table(data, colWidths=widths, repeatRows=1 if repeat else 0,
                 style=TableStyle(style), hAlign="LEFT")


def _title_block(result: PlanResult, lang: str, styles) -> list:
    """First page: the plan's identity, then its key figures and summary tables."""
    h = functools.partial(_h, lang=lang)
    version = h("version_n").format(v=result.version)
    identity = [
        (h("park"), result.park_name), (h("organisation"), result.organisation),
        (h("plan"), result.plan_name), (h("version"), version),
        (h("status"), name(PLAN_STATUSES, result.status, lang)),
        (h("computed_on"), result.computed_on.isoformat()),
        (h("author"), result.author or "—"),
        (h("crs"), crs_name(result.gk_zone, result.gk_epsg, lang=lang)),
    ]
    cell = styles["cell"]
    half = (len(identity) + 1) // 2
    grid = []
    for i in range(half):
        row = []
        for k, v in (identity[i], identity[i + half] if i + half < len(identity) else ("", "")):
            row += [_p(k, cell), _p(v, cell)]
        grid.append(row)
    key_w, val_w = 30 * mm, (BODY[2] - BODY[0]) / 2 - 30 * mm
    block = Table(grid, colWidths=[key_w, val_w, key_w, val_w], hAlign="LEFT", style=TableStyle([
        ("FONT", (0, 0), (-1, -1), cell.fontName, cell.fontSize),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.Color(0.55, 0.55, 0.55)),
        ("BACKGROUND", (0, 0), (0, -1), HEADER_BG), ("BACKGROUND", (2, 0), (2, -1), HEADER_BG),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
    ]))

    story = [_p(h("report"), styles["kicker"]), _p(result.plan_name, styles["title"]), block]

    area_head = [h("item"), h("plots_n"), *(_with_unit(_area_word(lang), _unit(u, lang), lang)
                                             for u in ("m2", "mu", "ha"))]

    def area_row(label, plots, m2):
        return [label, str(plots), _m2(m2), _mu(to_mu(m2)), _ha(to_ha(m2))]

    groups = {g.land_group: g for g in result.by_land_group}
    farm_plots = groups["cultivated"].plots + groups["agricultural"].plots
    rows = [
        _area_row_of(h("total_area"), len(result.plots), result),
        area_row(pick(FARMLAND, lang), farm_plots, result.farmland_m2),
        _area_row_of("　" + h("of_which_cultivated"), groups["cultivated"].plots,
                     groups["cultivated"]),
        _area_row_of("　" + name(LAND_GROUPS, "agricultural", lang),
                     groups["agricultural"].plots, groups["agricultural"]),
        _area_row_of(name(LAND_GROUPS, "construction", lang), groups["construction"].plots,
                     groups["construction"]),
        _area_row_of(name(LAND_GROUPS, "unused", lang), groups["unused"].plots,
                     groups["unused"]),
    ]
    unclassified = [r for r in result.by_land_class if r.land_group not in GROUP_KEYS]
    if unclassified:
        rows.append(area_row(h("unclassified"), sum(r.plots for r in unclassified),
                             sum(r.area_m2 for r in unclassified)))
    widths = [70 * mm, 22 * mm, 42 * mm, 38 * mm, 38 * mm]
    by_group = _table(area_head, rows, widths, styles, numeric_from=1)
    # the total comes first here, the row a reader looks for: shade it like other totals
    by_group.setStyle(TableStyle([("BACKGROUND", (0, 1), (-1, 1), TOTAL_BG)]))

    collective = [o for o in result.by_owner if o.owner_type == "collective"]
    state = [o for o in result.by_owner if o.owner_type != "collective"]
    own_rows = [
        area_row(h("collective_land"), sum(o.plots for o in collective),
                 result.requisition_area_m2),
        area_row(h("state_land"), sum(o.plots for o in state), sum(o.area_m2 for o in state)),
        _area_row_of(h("total"), len(result.plots), result),
    ]
    by_ownership = _table(area_head, own_rows, widths, styles, numeric_from=1, total_rows=1)

    money = result.compensation
    comp_rows = [[name(COMPONENTS, c, lang), _yuan(getattr(money, c))] for c in COMPONENT_KEYS]
    comp_rows.append([name(COMPONENTS, "total", lang), _yuan(money.total)])
    comp = _table([h("item"), h("amount")], comp_rows, [70 * mm, 50 * mm], styles,
                  numeric_from=1, total_rows=1)

    story += [
        KeepTogether([_p(h("by_group"), styles["h2"]), by_group]),
        KeepTogether([_p(h("by_ownership"), styles["h2"]), by_ownership]),
        # the signatures beside the compensation table, bottom right of the summary page
        KeepTogether([_p(h("compensation"), styles["h2"]), Table(
            [[comp, _signature_block(result, lang, styles)]],
            colWidths=[SIGN_GAP + 120 * mm, None], hAlign="LEFT", style=TableStyle([
                ("FONT", (0, 0), (-1, -1), styles["cell"].fontName),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))]),
    ]
    if result.excluded:
        codes = "、".join(e.code for e in result.excluded) if lang != "en" else \
            ", ".join(e.code for e in result.excluded)
        story += [Spacer(1, 4), _p(f"{h('excluded_n')}: {codes}" if lang == "en"
                                   else f"{h('excluded_n')}：{codes}", styles["body"])]
    return story


#: The signatures a 勘测定界 summary carries, each with a blank line for the name.
SIGNATURES = ("surveyed_by", "tabulated_by", "checked_by")
SIGN_GAP = 24 * mm        # between the compensation table and the signature block


def _signature_block(result: PlanResult, lang: str, styles) -> Table:
    """测量/制表/审核 with blank lines for the names, then the unit (the organisation)
    and the date (the result's 数据产生日期)."""
    h = functools.partial(_h, lang=lang)
    colon = ": " if lang == "en" else "："
    body = styles["body"]
    label_w, value_w = (24 if lang == "en" else 14) * mm, 80 * mm
    rows = [[f"{h(key)}{colon}", ""] for key in SIGNATURES]
    rows += [[f"{h('sign_unit')}{colon}", _cell(result.organisation, value_w, styles["cell"])],
             [f"{h('sign_date')}{colon}", result.computed_on.isoformat()]]
    signed = len(SIGNATURES)
    return Table(rows, colWidths=[label_w, value_w], hAlign="LEFT", style=TableStyle([
        ("FONT", (0, 0), (-1, -1), body.fontName, body.fontSize),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("TOPPADDING", (0, 0), (-1, signed - 1), 12),
        ("TOPPADDING", (0, signed), (-1, -1), 6),
        ("LINEBELOW", (1, 0), (1, signed - 1), 0.6, colors.black),
    ]))


def _h(key: str, lang: str) -> str:
    return pick(H[key], lang)


def _area_word(lang: str) -> str:
    return "Area" if lang == "en" else "面积"


def _area_row_of(label: str, plots: int, row) -> list[str]:
    """An area row from an object with area_m2/area_mu/area_ha (a result or a summary row)."""
    return [label, str(plots), _m2(row.area_m2), _mu(row.area_mu), _ha(row.area_ha)]


def _owner_label(owner: str, owner_type: str, lang: str) -> str:
    """A collective by its name; state land as 国有土地 / State land in either language."""
    return _h("state_plot", lang) if owner_type == "state" else owner


def _detail_tables(result: PlanResult, lang: str, styles) -> list:
    """The land-class, owner and per-plot tables and the excluded-plot note."""
    h = functools.partial(_h, lang=lang)
    m2, mu_, ha = (_with_unit(_area_word(lang), _unit(u, lang), lang) for u in ("m2", "mu", "ha"))
    yuan_unit = _unit("yuan", lang)
    story: list = []

    rows = [[r.land_class or "—", r.land_class_name or "—",
             name(LAND_GROUPS, r.land_group, lang) or "—", str(r.plots),
             _m2(r.area_m2), _mu(r.area_mu), _ha(r.area_ha)] for r in result.by_land_class]
    rows.append([h("total"), "", "", str(len(result.plots)), _m2(result.area_m2),
                 _mu(result.area_mu), _ha(result.area_ha)])
    story += [_p(h("by_class"), styles["h2"]), _table(
        [h("class_code"), h("class_name"), h("group"), h("plots_n"), m2, mu_, ha], rows,
        [24 * mm, 40 * mm, 34 * mm, 20 * mm, 40 * mm, 36 * mm, 36 * mm], styles,
        numeric_from=3, total_rows=1)]

    rows = [[_owner_label(o.owner, o.owner_type, lang), name(OWNER_TYPES, o.owner_type, lang),
             str(o.plots), _m2(o.area_m2), _mu(o.area_mu), _yuan(o.compensation.total)]
            for o in result.by_owner]
    rows.append([h("total"), "", str(len(result.plots)), _m2(result.area_m2),
                 _mu(result.area_mu), _yuan(result.compensation.total)])
    story += [_p(h("owners"), styles["h2"]), _table(
        [h("owner"), h("owner_type"), h("plots_n"), m2, mu_,
         _with_unit(name(COMPONENTS, "total", lang) if lang == "en" else "补偿合计",
                    yuan_unit, lang)],
        rows, [80 * mm, 24 * mm, 20 * mm, 40 * mm, 36 * mm, 44 * mm], styles,
        numeric_from=2, total_rows=1)]

    rows = []
    for p in result.plots:
        money = p.compensation
        land_class = " ".join(x for x in (p.land_class, p.land_class_name) if x) or "—"
        rows.append([p.code, _owner_label(p.owner, p.owner_type, lang), land_class,
                     p.price_zones or "—", _mu(p.area_mu),
                     *(_yuan(getattr(money, c)) for c in COMPONENT_KEYS), _yuan(money.total)])
    total = result.compensation
    rows.append([h("total"), "", "", "", _mu(result.area_mu),
                 *(_yuan(getattr(total, c)) for c in COMPONENT_KEYS), _yuan(total.total)])
    header = [h("plot"), h("owner"), h("land_class"), h("price_zone"), mu_,
              *(_with_unit(name(COMPONENTS, c, lang), yuan_unit, lang, "\n")
                for c in COMPONENT_KEYS),
              _with_unit(name(COMPONENTS, "total", lang), yuan_unit, lang, "\n")]
    widths = [24 * mm, 47 * mm, 30 * mm, 14 * mm, 24 * mm, 27 * mm, 24 * mm, 29 * mm,
              25 * mm, 28 * mm]
    story += [PageBreak(), _p(h("per_plot"), styles["h2"]),
              _table(header, rows, widths, styles, numeric_from=4, total_rows=1)]

    if result.excluded:
        rows = [[e.code, name(EXCLUSION_REASONS, e.reason, lang),
                 e.since.isoformat() if e.since else "—", _m2(e.area_m2),
                 _mu(to_mu(e.area_m2))] for e in result.excluded]
        story += [KeepTogether([
            _p(h("excluded"), styles["h2"]), _p(h("excluded_note"), styles["body"]),
            Spacer(1, 3),
            _table([h("plot"), h("reason"), h("since"), m2, mu_], rows,
                   [30 * mm, 60 * mm, 30 * mm, 36 * mm, 32 * mm], styles, numeric_from=2),
        ])]
    return story


# --- 界址点成果表 (TD/T 1008) --------------------------------------------------------

POINT_H = {
    "points": ("界址点成果表", "Boundary point schedule"),
    "plot": ("地块编号", "Plot"),
    "area": ("面积", "area"),
    "summary": ("界址点 {n} 个　周长 {perimeter} 米　面积 {m2} 平方米（{mu} 亩，{ha} 公顷）",
                "{n} points, perimeter {perimeter} m, area {m2} m² ({mu} mu, {ha} ha)"),
    "by_plan": ("界址点全方案统一编号，相邻地块共用的界址点同一点号；",
                "Points are numbered once for the whole plan; a corner shared by plots "
                "keeps one number. "),
    "by_plot": ("界址点按地块分别编号，各地块自 J1 起；",
                "Points are numbered per plot, each from J1. "),
    "order": ("外圈顺时针、内圈（孔洞）逆时针，自西北角起编，末行回到首点闭合。",
              "Outer rings run clockwise and holes anticlockwise from the north-west-most "
              "point; each ring closes on its first point."),
}
# widths of the columns of workbook.POINT_COLUMNS but the plot's code (the table's
# caption names the plot), on A4 landscape (273 mm of body)
POINT_WIDTHS = [22 * mm, 16 * mm, 32 * mm, 40 * mm, 44 * mm, 44 * mm, 30 * mm, 30 * mm]


def _point_pages(result: PlanResult, lang: str, styles) -> list:
    """The 界址点成果表 pages: per plot a table (`PointTable`) of its points with each
    ring closed and a total row with its number of points, perimeter and area."""
    h = functools.partial(pick, lang=lang)
    header = [pick(heading, lang).replace("（", "\n（").replace(" (", "\n(")
              for heading, _ in POINT_COLUMNS[1:]]
    points = result.points_by_plot
    story: list = [PageBreak(), _p(h(POINT_H["points"]), styles["h2"]),
                   _p(h(POINT_H["by_" + result.survey.numbering]) + h(POINT_H["order"])
                      + " " + crs_name(result.gk_zone, result.gk_epsg, lang=lang), styles["body"]),
                   Spacer(1, 2)]
    font = styles["cell"].fontName
    for plot, rows in point_tables(result, lang):
        title = " ".join(x for x in (plot.code, plot.name) if x)
        mine = points[plot.code]
        summary = h(POINT_H["summary"]).format(
            n=len({pt.number for pt in mine}), perimeter=f"{sum(p.side_m for p in mine):,.3f}",
            m2=_m2(plot.area_m2), mu=_mu(plot.area_mu), ha=_ha(plot.area_ha))
        cells = [(point, str(ring), marker, f"{x:.{COORD_DECIMALS}f}",
                  f"{y:.{COORD_DECIMALS}f}", category, position,
                  "" if side is None else f"{side:.{SIDE_DECIMALS}f}")
                 for _, point, ring, marker, x, y, category, position, side in rows]
        caption = f"{h(POINT_H['plot'])}: {title}" if lang == "en" else \
            f"{h(POINT_H['plot'])}：{title}"
        story.append(PointTable(caption, header, cells, (_h("total", lang), summary), font))
    return story


class PointTable(Flowable):
    """One plot's 界址点成果表, drawn straight on the canvas: caption, heading, point rows,
    total row; split across pages between rows, caption and heading repeated. ReportLab's
    Table took five times as long for the same cells (a 1 000-plot plan has 7 000 rows)."""

    CAPTION, HEAD, ROW = 20.0, 24.0, 13.0   # heights in pt
    CENTRED = (0, 1, 2, 5, 6)               # point, ring, marker, line category, position

    def __init__(self, caption: str, header: list[str], rows: list[tuple],
                 total: tuple[str, str] | None, font: str):
        super().__init__()
        self.caption, self.header, self.rows, self.total, self.font = \
            caption, header, rows, total, font
        self.edges = [sum(POINT_WIDTHS[:i]) for i in range(len(POINT_WIDTHS) + 1)]

    def wrap(self, available_width, available_height):
        self.width = self.edges[-1]
        self.height = (self.CAPTION + self.HEAD + self.ROW * len(self.rows)
                       + (self.ROW if self.total else 0))
        return self.width, self.height

    def split(self, available_width, available_height):
        fit = int((available_height - self.CAPTION - self.HEAD) // self.ROW)
        if fit < 2 or len(self.rows) < 2:
            return []                        # the whole table goes to the next page
        keep = min(fit, len(self.rows) - 1)  # the total row goes with at least one row
        return [PointTable(self.caption, self.header, self.rows[:keep], None, self.font),
                PointTable(self.caption, self.header, self.rows[keep:], self.total,
                           self.font)]

    def draw(self):
        c, edges, top = self.canv, self.edges, self.height
        head_top = top - self.CAPTION
        body_top = head_top - self.HEAD
        bottom = 0.0
        c.saveState()
        c.setFillColor(HEADER_BG)
        c.rect(0, body_top, self.width, self.HEAD, fill=1, stroke=0)
        if self.total:
            c.setFillColor(TOTAL_BG)
            c.rect(0, bottom, self.width, self.ROW, fill=1, stroke=0)
        c.setFillColor(colors.black)
        text = c.beginText()
        text.setFont(self.font, 10)
        text.setTextOrigin(0, head_top + 6)
        text.textOut(self.caption)
        text.setFont(self.font, 7.5)
        for col, heading in enumerate(self.header):
            lines = heading.split("\n")
            for k, line in enumerate(lines):
                y = body_top + self.HEAD / 2 + (len(lines) / 2 - k - 1) * 9 + 2.5
                self._put(text, line, col, y, 7.5, centred=True)
        text.setFont(self.font, 8)
        y = body_top
        for row in self.rows:
            y -= self.ROW
            for col, value in enumerate(row):
                self._put(text, value, col, y + 4, 8, centred=col in self.CENTRED)
        if self.total:
            text.setTextOrigin(edges[0] + 4, bottom + 4)
            text.textOut(self.total[0])
            text.setTextOrigin(edges[1] + 4, bottom + 4)
            text.textOut(self.total[1])
        c.drawText(text)
        c.setStrokeColor(colors.Color(0.55, 0.55, 0.55))
        c.setLineWidth(0.25)
        path = c.beginPath()
        for k in range(len(self.rows) + (2 if self.total else 1) + 1):
            y = head_top - (self.HEAD + (k - 1) * self.ROW if k else 0)
            path.moveTo(0, y)
            path.lineTo(self.width, y)
        rows_bottom = bottom + (self.ROW if self.total else 0)
        for k, x in enumerate(edges):
            path.moveTo(x, head_top)
            path.lineTo(x, bottom if k in (0, 1, len(edges) - 1) else rows_bottom)
        c.drawPath(path, stroke=1, fill=0)
        c.restoreState()

    def _put(self, text, value: str, col: int, y: float, size: float, centred: bool) -> None:
        if not value:
            return
        left, right = self.edges[col], self.edges[col + 1]
        width = pdfmetrics.stringWidth(value, self.font, size)
        x = (left + right - width) / 2 if centred else right - 4 - width
        text.setTextOrigin(x, y)
        text.textOut(value)


# --- footer with "page n of total" ----------------------------------------------------

def _numbered_canvas(result: PlanResult, lang: str, font: str):
    """A canvas class that holds the pages back until the total page count is known."""
    left = f"{result.plan_name}  {_h('version_n', lang).format(v=result.version)}"
    page_fmt = _h("page", lang)

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held: list[dict] = []

        def showPage(self):  # ReportLab calls this at the end of every page
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._held)
            for n, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                self._footer(n, total)
                super().showPage()
            super().save()

        def _footer(self, n: int, total: int) -> None:
            y = MARGIN + 2
            self.saveState()
            self.setStrokeColor(colors.Color(0.6, 0.6, 0.6))
            self.setLineWidth(0.4)
            self.line(BODY[0], y + 11, BODY[2], y + 11)
            self.setFont(font, 8)
            self.setFillColor(colors.Color(0.3, 0.3, 0.3))
            self.drawString(BODY[0], y, _fit(left, font, 8, (BODY[2] - BODY[0]) * 0.6))
            self.drawRightString(BODY[2], y, page_fmt.format(n=n, total=total))
            self.restoreState()

    return NumberedCanvas


def _fit(text: str, font: str, size: float, width: float) -> str:
    """`text`, cut with an ellipsis to fit `width`."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break `text` into lines of at most `width` (by character: CJK has no spaces)."""
    lines, line = [], ""
    for ch in text:
        if line and pdfmetrics.stringWidth(line + ch, font, size) > width:
            lines.append(line)
            line = ""
        line += ch
    return [*lines, line] if line else lines


# --- the map sheet --------------------------------------------------------------------

def nice_scale(raw: float) -> int:
    """The smallest "nice" scale denominator (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10ⁿ) ≥ raw."""
    raw = max(raw, 200.0)
    exp = 10 ** math.floor(math.log10(raw))
    for m in (*NICE, 10):
        if m * exp >= raw - 1e-9:
            return round(m * exp)
    return round(10 * exp)  # pragma: no cover


def _nice_step(raw: float) -> float:
    """The smallest 1, 2 or 5 × 10ⁿ ≥ raw."""
    exp = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * exp >= raw - 1e-9:
            return m * exp
    return 10 * exp  # pragma: no cover


def _number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:g}"


class MapSheet(Flowable):
    """The map sheet: fills the 'map' page frame and draws in page coordinates."""

    def __init__(self, result: PlanResult, lang: str, font: str):
        super().__init__()
        self.result, self.lang, self.font = result, lang, font

    def wrap(self, available_width, available_height):
        self.width, self.height = available_width, available_height
        return available_width, available_height

    def draw(self):
        c = self.canv
        c.saveState()
        # The flowable sits at the frame's origin (no padding, full height): undo that
        # translation to draw in page coordinates, where MAP_FRAME is defined.
        c.translate(-BODY[0], -BODY[1])
        _MapDrawing(c, self.result, self.lang, self.font).draw()
        c.restoreState()


class _MapDrawing:
    """Everything drawn on the map sheet, with its world → page transform."""

    def __init__(self, canvas: Canvas, result: PlanResult, lang: str, font: str):
        self.c, self.result, self.lang, self.font = canvas, result, lang, font
        self.fx0, self.fy0, self.fx1, self.fy1 = MAP_FRAME
        self.plan_union = shapely.union_all([p.geometry for p in result.plots]) \
            if result.plots else None
        extent = self._extent()
        minx, miny, maxx, maxy = extent
        fw, fh = self.fx1 - self.fx0, self.fy1 - self.fy0
        raw = max((maxx - minx) * PT_PER_M_AT_1 / fw, (maxy - miny) * PT_PER_M_AT_1 / fh)
        self.scale = nice_scale(raw)
        self.k = PT_PER_M_AT_1 / self.scale          # points per metre, the same in x and y
        self.cx, self.cy = (minx + maxx) / 2, (miny + maxy) / 2
        self.pcx, self.pcy = (self.fx0 + self.fx1) / 2, (self.fy0 + self.fy1) / 2
        # the ground the frame shows
        self.world_frame = box(*self.to_world(self.fx0, self.fy0), *self.to_world(self.fx1,
                                                                                 self.fy1))
        self.labels: list[Polygon] = []              # placed label boxes, page points
        self.labelled = self.skipped = 0
        self.points_labelled = self.points_total = 0  # 界址点 labels placed, points drawn

    # transforms
    def _extent(self) -> tuple[float, float, float, float]:
        if self.plan_union is not None and not self.plan_union.is_empty:
            minx, miny, maxx, maxy = self.plan_union.bounds
        elif self.result.context:
            minx, miny, maxx, maxy = shapely.total_bounds(
                [f.geometry for f in self.result.context])
        else:
            minx, miny, maxx, maxy = 0.0, 0.0, 100.0, 100.0
        pad = max(0.08 * max(maxx - minx, maxy - miny), 20.0)
        return minx - pad, miny - pad, maxx + pad, maxy + pad

    def to_page(self, geoms):
        def move(xy):
            return (xy - (self.cx, self.cy)) * self.k + (self.pcx, self.pcy)
        return shapely.transform(geoms, move)

    def to_world(self, px: float, py: float) -> tuple[float, float]:
        return (self.cx + (px - self.pcx) / self.k, self.cy + (py - self.pcy) / self.k)

    # drawing
    def draw(self) -> None:
        c = self.c
        self._header()
        c.saveState()
        clip = c.beginPath()
        clip.rect(self.fx0, self.fy0, self.fx1 - self.fx0, self.fy1 - self.fy0)
        c.clipPath(clip, stroke=0, fill=0)
        c.setFillColor(colors.white)
        c.rect(self.fx0, self.fy0, self.fx1 - self.fx0, self.fy1 - self.fy0, stroke=0, fill=1)
        self._grid_crosses()
        context = self._visible_context()
        self._draw_context(context)
        page_plots = self._draw_plots()
        self._draw_red_line()
        self._plot_labels(page_plots)
        self._point_labels()
        self._context_labels(context)
        c.restoreState()
        self._frame_and_ticks()
        self._panel(context)

    def _header(self) -> None:
        c, font = self.c, self.font
        y = BODY[3] - 18
        c.setFillColor(colors.black)
        c.setFont(font, 15)
        title = _h("map_title", self.lang)
        c.drawString(BODY[0], y, title)
        c.setFont(font, 10)
        sub = f"{self.result.plan_name}  {_h('version_n', self.lang).format(v=self.result.version)}"
        x = BODY[0] + pdfmetrics.stringWidth(title, font, 15) + 12
        c.drawString(x, y, _fit(sub, font, 10, MAP_FRAME[2] - x))
        c.drawRightString(BODY[2], y, _fit(self.result.park_name, font, 10, PANEL_W))

    def _visible_context(self) -> list:
        feats = [f for f in self.result.context if f.geometry is not None
                 and not f.geometry.is_empty]
        if not feats:
            return []
        hits = shapely.intersects(np.array([f.geometry for f in feats], dtype=object),
                                  self.world_frame)
        return [f for f, hit in zip(feats, hits, strict=True) if hit]

    def _polygon_path(self, geometry):
        p = self.c.beginPath()
        for poly in getattr(geometry, "geoms", [geometry]):
            if not isinstance(poly, Polygon):
                continue
            for ring in (poly.exterior, *poly.interiors):
                xy = np.asarray(ring.coords)
                p.moveTo(*xy[0])
                for x, y in xy[1:]:
                    p.lineTo(x, y)
                p.close()
        return p

    def _line_path(self, geometry):
        p = self.c.beginPath()
        lines = getattr(geometry, "geoms", [geometry])
        for line in lines:
            if isinstance(line, Polygon):
                line = line.exterior
            xy = np.asarray(line.coords)
            if len(xy) < 2:
                continue
            p.moveTo(*xy[0])
            for x, y in xy[1:]:
                p.lineTo(x, y)
        return p

    def _draw_context(self, context) -> None:
        c = self.c
        page = self.to_page(np.array([f.geometry for f in context], dtype=object)) \
            if context else []
        c.setLineJoin(1)
        for feat, geom in zip(context, page, strict=True):
            if feat.kind == "zone" and isinstance(geom, Polygon | MultiPolygon):
                c.setStrokeColor(ZONE)
                c.setLineWidth(1.1)
                c.setDash([7, 2.5, 1.5, 2.5])
                c.drawPath(self._line_path(_boundary_lines(geom)), stroke=1, fill=0)
        c.setDash()
        for feat, geom in zip(context, page, strict=True):
            if feat.kind not in ("zone", "road") and isinstance(geom, Polygon | MultiPolygon):
                c.setStrokeColor(NEIGHBOUR_LINE)
                c.setFillColor(NEIGHBOUR_FILL)
                c.setLineWidth(0.5)
                c.drawPath(self._polygon_path(geom), stroke=1, fill=1, fillMode=FILL_EVEN_ODD)
        c.setLineCap(0)
        for feat, geom in zip(context, page, strict=True):
            if feat.kind == "road":
                c.setStrokeColor(ROAD)
                c.setLineWidth(2.2)
                c.setDash([6, 3] if feat.status == "planned" else [])
                c.drawPath(self._line_path(geom), stroke=1, fill=0)
        c.setDash()

    def _draw_plots(self) -> list:
        c = self.c
        plots = self.result.plots
        if not plots:
            return []
        page = self.to_page(np.array([p.geometry for p in plots], dtype=object))
        c.setLineWidth(self.plot_line_width)
        c.setStrokeColor(PLOT_LINE)
        for plot, geom in zip(plots, page, strict=True):
            c.setFillColor(PLOT_FILL if plot.needs_requisition else STATE_FILL)
            c.drawPath(self._polygon_path(geom), stroke=1, fill=1, fillMode=FILL_EVEN_ODD)
        return list(page)

    @functools.cached_property
    def _plot_size_pt(self) -> float:
        """A typical plot's size on paper (median √area), which sets the line widths."""
        if not self.result.plots:
            return 100.0
        return float(np.median([math.sqrt(p.area_m2) for p in self.result.plots])) * self.k

    @property
    def red_line_width(self) -> float:
        # 2 pt on a plot-sized sheet, thinner when plots are small on paper so the red
        # line does not swallow them
        return min(2.0, max(0.7, self._plot_size_pt / 25))

    @property
    def plot_line_width(self) -> float:
        return min(0.6, max(0.25, self._plot_size_pt / 80))

    def _draw_red_line(self) -> None:
        if self.plan_union is None or self.plan_union.is_empty:
            return
        c = self.c
        c.setStrokeColor(RED)
        c.setLineWidth(self.red_line_width)
        c.setLineJoin(1)
        c.drawPath(self._line_path(_boundary_lines(self.to_page(self.plan_union))),
                   stroke=1, fill=0)

    # labels
    @functools.cached_property
    def _label_area(self) -> Polygon:
        return box(self.fx0 + 1, self.fy0 + 1, self.fx1 - 1, self.fy1 - 1)

    def _free(self, candidates: np.ndarray) -> np.ndarray:
        """Which label boxes stay inside the frame and miss every label placed so far and
        every earlier candidate that is free too (greedy, in the given order)."""
        if not len(candidates):
            return np.zeros(0, dtype=bool)
        ok = shapely.contains(self._label_area, candidates)
        if self.labels:
            hits = shapely.STRtree(self.labels).query(candidates, predicate="intersects")
            ok[hits[0]] = False
        # plots are disjoint, so their labels rarely meet; overlapping input still must
        # not print one code over another
        pairs = shapely.STRtree(candidates).query(candidates, predicate="intersects")
        for i, j in zip(*pairs, strict=True):
            if j < i and ok[j] and ok[i]:
                ok[i] = False
        return ok

    def _place(self, label_box: Polygon) -> bool:
        """Place one label box if it is inside the frame and collides with no other label."""
        if self._free(np.array([label_box], dtype=object))[0]:
            self.labels.append(label_box)
            return True
        return False

    def _plot_labels(self, page_plots: list) -> None:
        """Code (and 亩) inside each plot, skipped when the plot is smaller than the label;
        the other parts of a multipart plot get the code alone where it fits."""
        plots = self.result.plots
        if not plots:
            return
        mu_unit = " mu" if self.lang == "en" else _unit("mu", self.lang)
        parts = [sorted(getattr(g, "geoms", [g]), key=lambda q: -q.area) for g in page_plots]
        main = self._place_labels(
            [q[0] for q in parts],
            [(p.code, f"{p.area_mu:,.2f}{mu_unit}") for p in plots], PLOT_LABEL_STYLES)
        self.labelled = len(main)
        self.skipped = len(plots) - self.labelled
        # only for plots whose main part is labelled, so a code is never shown on a
        # fragment while the plot's main part stays blank
        extra = [(i, part) for i in sorted(main) for part in parts[i][1:]]
        if extra:
            self._place_labels([part for _, part in extra],
                               [(plots[i].code, "") for i, _ in extra],
                               [s for s in PLOT_LABEL_STYLES if s[1] is None])

    def _place_labels(self, polygons: list, texts: list[tuple[str, str]],
                      label_styles) -> dict[int, tuple[float, float | None]]:
        """Label each polygon with the first style whose box fits inside it and misses the
        labels placed so far; return {index: style} of those drawn."""
        c, font = self.c, self.font
        anchors = _label_points(polygons)
        polys = np.array(polygons, dtype=object)
        chosen: dict[int, tuple[float, float | None]] = {}
        for code_size, area_size in label_styles:
            todo = [i for i in range(len(polygons)) if i not in chosen]
            if not todo:
                break
            boxes = np.array([_label_box(anchors[i], texts[i], font, code_size, area_size)
                              for i in todo], dtype=object)
            ok = shapely.contains(polys[todo], boxes)
            ok[ok] &= self._free(boxes[ok])
            for i, b, good in zip(todo, boxes, ok, strict=True):
                if good:
                    chosen[i] = (code_size, area_size)
                    self.labels.append(b)
        c.setFillColor(colors.Color(0.1, 0.1, 0.1))
        for i, (code_size, area_size) in sorted(chosen.items()):
            (code, area), (x, y) = texts[i], anchors[i]
            c.setFont(font, code_size)
            if area_size:
                c.drawCentredString(x, y + 0.6, code)
                c.setFont(font, area_size)
                c.drawCentredString(x, y - area_size - 0.2, area)
            else:
                c.drawCentredString(x, y - code_size * 0.35, code)
        return chosen

    def _point_labels(self) -> None:
        """Every 界址点 as a dot and, where its label fits, its J number beside it: tried
        at the places round the point that face away from its plot (or along its edge),
        the most outward first; a label
        that would touch a placed one (plot codes, other J numbers) or hide another point
        is left out, and the panel says how many are shown (the 界址点成果表 lists all)."""
        points = _distinct_points(self.result.boundary_points)
        self.points_total = len(points)
        if not points:
            return
        c, font, size, radius = self.c, self.font, J_LABEL_SIZE, J_DOT_RADIUS
        world = np.array([(p.y, p.x) for p in points])         # easting, northing
        xy = (world - (self.cx, self.cy)) * self.k + (self.pcx, self.pcy)
        # the dots as one path of zero-length strokes with round caps: thousands of points
        # cost two path operators each, not a circle's four Bézier curves
        dots = c.beginPath()
        for x, y in xy:
            dots.moveTo(x, y)
            dots.lineTo(x, y)
        c.saveState()
        c.setStrokeColor(PLOT_LINE)
        c.setLineWidth(2 * radius)
        c.setLineCap(1)
        c.drawPath(dots, stroke=1, fill=0)
        c.restoreState()

        # every candidate box, (point, place, x0 y0 x1 y1), the places facing away from
        # the point's plot first
        away = _outward(self.result.boundary_points, points)  # world and page axes agree
        offsets = np.array(J_OFFSETS, dtype=float)
        facing = away @ offsets.T                                # (n, 8)
        order = np.argsort(-facing, axis=1, kind="stable")
        d = offsets[order]                                       # (n, 8, 2)
        w = np.array([pdfmetrics.stringWidth(p.name, font, size) for p in points])[:, None]
        x, y = xy[:, 0:1], xy[:, 1:2]
        x0 = np.where(d[..., 0] > 0, x + radius + 0.6,
                      np.where(d[..., 0] < 0, x - radius - 0.6 - w, x - w / 2))
        y0 = np.where(d[..., 1] > 0, y + radius + 0.4,
                      np.where(d[..., 1] < 0, y - radius - 0.4 - size, y - size / 2))
        boxes = np.stack([x0, y0, x0 + w, y0 + size], axis=-1)   # (n, 8, 4)
        # out: outside the frame, or on a placed label or a dot (fixed obstacles, all at once)
        fx0, fy0, fx1, fy1 = self._label_area.bounds
        out = (boxes[..., 0] < fx0) | (boxes[..., 1] < fy0) | (boxes[..., 2] > fx1) | \
            (boxes[..., 3] > fy1)
        # never inside the plot (over its code and other points' labels): outward or along
        out |= np.take_along_axis(facing, order, axis=1) < -1e-9
        obstacles = [*self.labels, *shapely.box(xy[:, 0] - radius - 0.3, xy[:, 1] - radius - 0.3,
                                                xy[:, 0] + radius + 0.3, xy[:, 1] + radius + 0.3)]
        flat = shapely.box(*boxes.reshape(-1, 4).T)
        hit = shapely.STRtree(obstacles).query(flat, predicate="intersects")[0]
        out.reshape(-1)[hit] = True
        # then greedily, in point order: the first free place not taken by an earlier J
        placed = _BoxGrid(J_GRID)
        chosen: list[tuple[float, float, str]] = []
        for n in np.flatnonzero(~out.all(axis=1)):
            for b in boxes[n][~out[n]]:
                if not placed.hits(b):
                    placed.add(b)
                    chosen.append((b[0], b[1] + size * 0.18, points[n].name))
                    self.labels.append(box(*b))
                    break
        self.points_labelled = len(chosen)
        c.setFont(font, size)
        c.setFillColor(colors.Color(0.1, 0.1, 0.1))
        for tx, ty, text in chosen:
            c.drawString(tx, ty, text)

    def _context_labels(self, context) -> None:
        """Names of roads, codes of neighbour plots, names of zones, where they fit."""
        c, font = self.c, self.font
        # roads first (a reader finds the site by them), then neighbour plots, then zones
        order = {"road": 0, "zone": 2}
        for feat in sorted(context, key=lambda f: order.get(f.kind, 1)):
            if not feat.label:
                continue
            if feat.kind == "road":
                self._road_label(feat)
                continue
            area = feat.geometry.intersection(self.world_frame)
            if feat.kind == "zone" and self.plan_union is not None:
                area = area.difference(self.plan_union)  # zone names go beside the plan
            if area.is_empty:
                continue
            size = 8.0 if feat.kind == "zone" else 6.5
            page = self.to_page(area)
            part = max(getattr(page, "geoms", [page]), key=lambda q: q.area)
            if not isinstance(part, Polygon):
                continue
            x, y = _label_points([part])[0]
            w = pdfmetrics.stringWidth(feat.label, font, size)
            b = box(x - w / 2 - 1, y - size / 2 - 1, x + w / 2 + 1, y + size / 2 + 1)
            # 2 pt clear of the part's edge, so a zone name does not touch the red line
            if not part.contains(b.buffer(2, join_style="mitre")) or not self._place(b):
                continue
            c.setFont(font, size)
            c.setFillColor(ZONE if feat.kind == "zone" else colors.Color(0.35, 0.35, 0.35))
            c.drawCentredString(x, y - size * 0.35, feat.label)

    def _road_label(self, feat) -> None:
        """The road's name along its longest visible stretch, kept upright; Chinese names
        on steep roads are stacked character by character, as Chinese maps write them."""
        c, font, size = self.c, self.font, 7.5
        visible = feat.geometry.intersection(self.world_frame.buffer(-8 / self.k))
        lines = [g for g in getattr(visible, "geoms", [visible])
                 if isinstance(g, LineString) and not g.is_empty]
        if not lines:
            return
        line = self.to_page(max(lines, key=lambda g: g.length))
        label = feat.label
        w = pdfmetrics.stringWidth(label, font, size)
        if line.length < w + 12:
            return
        # the middle first, then further along: a plot label may sit on the middle
        for at in (0.5, 0.3, 0.7, 0.15, 0.85):
            mid = line.interpolate(at, normalized=True)
            a = line.interpolate(max(line.project(mid) - w / 2, 0))
            b = line.interpolate(min(line.project(mid) + w / 2, line.length))
            angle = math.degrees(math.atan2(b.y - a.y, b.x - a.x))
            if angle > 90:
                angle -= 180
            elif angle <= -90:
                angle += 180
            stacked = abs(angle) > 60 and all(ord(ch) >= 0x2E80 for ch in label)
            if stacked:
                step = size * 1.08
                half = len(label) * step / 2
                halo = box(mid.x - size / 2 - 2, mid.y - half - 1.5, mid.x + size / 2 + 2,
                           mid.y + half + 1.5)
            else:
                halo = shapely.affinity.rotate(
                    box(mid.x - w / 2 - 2, mid.y - size / 2 - 1.5, mid.x + w / 2 + 2,
                        mid.y + size / 2 + 1.5), angle, origin=(mid.x, mid.y))
            if not self._place(halo):
                continue
            c.saveState()
            # a white box under the name, so the road line does not strike it through
            c.setFillColor(colors.white)
            c.setFillAlpha(0.85)
            c.drawPath(self._polygon_path(halo), stroke=0, fill=1)
            c.setFillAlpha(1)
            c.setFillColor(colors.Color(0.15, 0.15, 0.15))
            c.setFont(font, size)
            if stacked:
                for n, ch in enumerate(label):
                    c.drawCentredString(mid.x, mid.y + half - (n + 1) * step + size * 0.2, ch)
            else:
                c.translate(mid.x, mid.y)
                c.rotate(angle)
                c.drawCentredString(0, -size * 0.35, label)
            c.restoreState()
            return

    # grid, frame, panel
    def _grid_step(self) -> float:
        width_m = (self.fx1 - self.fx0) / self.k
        return _nice_step(width_m / 6)

    def _grid_values(self):
        step = self._grid_step()
        wx0, wy0 = self.to_world(self.fx0, self.fy0)
        wx1, wy1 = self.to_world(self.fx1, self.fy1)
        xs = np.arange(math.ceil(wx0 / step) * step, wx1, step)
        ys = np.arange(math.ceil(wy0 / step) * step, wy1, step)
        return xs, ys

    def _grid_crosses(self) -> None:
        c = self.c
        xs, ys = self._grid_values()
        c.setStrokeColor(GRID)
        c.setLineWidth(0.35)
        arm = 2.5 * mm
        for x in xs:
            px = self.pcx + (x - self.cx) * self.k
            for y in ys:
                py = self.pcy + (y - self.cy) * self.k
                c.line(px - arm, py, px + arm, py)
                c.line(px, py - arm, px, py + arm)

    def _frame_and_ticks(self) -> None:
        c, font = self.c, self.font
        c.setStrokeColor(colors.black)
        c.setLineWidth(0.9)
        c.rect(self.fx0, self.fy0, self.fx1 - self.fx0, self.fy1 - self.fy0, stroke=1, fill=0)
        xs, ys = self._grid_values()
        c.setLineWidth(0.5)
        c.setFont(font, 6.5)
        c.setFillColor(colors.black)
        tick = 4

        def fits(centre: float, text: str, low: float, high: float) -> bool:
            # a coordinate must not run past the frame's corner
            half = pdfmetrics.stringWidth(text, font, 6.5) / 2
            return low <= centre - half and centre + half <= high

        for x in xs:
            px = self.pcx + (x - self.cx) * self.k
            c.line(px, self.fy0, px, self.fy0 + tick)
            c.line(px, self.fy1, px, self.fy1 - tick)
            if fits(px, f"{x:.0f}", self.fx0, self.fx1):
                c.drawCentredString(px, self.fy0 - 8.5, f"{x:.0f}")
        for y in ys:
            py = self.pcy + (y - self.cy) * self.k
            c.line(self.fx0, py, self.fx0 + tick, py)
            c.line(self.fx1, py, self.fx1 - tick, py)
            if fits(py, f"{y:.0f}", self.fy0, self.fy1):
                c.saveState()
                c.translate(self.fx0 - 4, py)
                c.rotate(90)
                c.drawCentredString(0, 0, f"{y:.0f}")
                c.restoreState()

    def _panel(self, context) -> None:
        c, font, lang = self.c, self.font, self.lang
        x0, x1 = BODY[2] - PANEL_W, BODY[2]
        top = MAP_FRAME[3]
        c.setStrokeColor(colors.black)
        c.setLineWidth(0.9)
        c.rect(x0, MAP_FRAME[1], PANEL_W, top - MAP_FRAME[1], stroke=1, fill=0)
        cx = (x0 + x1) / 2

        # north arrow: grid north is up (GK: x easting right, y northing up)
        y = top - 14
        c.setFont(font, 11)
        c.setFillColor(colors.black)
        c.drawCentredString(cx, y, "N")
        tip, base = y - 4, y - 40
        c.setLineWidth(0.7)
        left = c.beginPath()
        left.moveTo(cx, tip)
        left.lineTo(cx - 8, base)
        left.lineTo(cx, base + 9)
        left.close()
        c.drawPath(left, stroke=1, fill=1)
        right = c.beginPath()
        right.moveTo(cx, tip)
        right.lineTo(cx + 8, base)
        right.lineTo(cx, base + 9)
        right.close()
        c.setFillColor(colors.white)
        c.drawPath(right, stroke=1, fill=1)
        c.setFillColor(colors.black)
        c.setFont(font, 7)
        c.drawCentredString(cx, base - 9, _h("grid_north", lang))

        # stated scale and scale bar
        y = base - 26
        c.setFont(font, 10)
        c.drawCentredString(cx, y, f"{_h('scale', lang)} 1:{self.scale:,}".replace(",", ""))
        unit = _bar_unit(self.k, PANEL_W - 16 * mm)
        bar = unit * self.k
        bx, by = cx - bar, y - 20
        c.setLineWidth(0.6)
        c.setFillColor(colors.black)
        c.rect(bx, by, bar, 4, stroke=1, fill=1)
        c.setFillColor(colors.white)
        c.rect(bx + bar, by, bar, 4, stroke=1, fill=1)
        c.setFillColor(colors.black)
        c.setFont(font, 7)
        c.drawCentredString(bx, by + 7, "0")
        c.drawCentredString(bx + bar, by + 7, _number(unit))
        c.drawCentredString(bx + 2 * bar, by + 7, f"{_number(2 * unit)} m")

        # legend: only what the map shows
        y = by - 22
        c.setFont(font, 10)
        c.drawString(x0 + 8, y, _h("legend", lang))
        kinds = {f.kind if f.kind in ("road", "zone") else "plot" for f in context}
        planned = any(f.kind == "road" and f.status == "planned" for f in context)
        built = any(f.kind == "road" and f.status != "planned" for f in context)
        items = ["red_line", "plan_plot", *(["boundary_point"] if self.points_total else [])]
        if any(not p.needs_requisition for p in self.result.plots):
            items.append("state_plot")
        items += [k for k, shown in (("road", built), ("planned_road", planned),
                                     ("zone", "zone" in kinds), ("other_plot", "plot" in kinds))
                  if shown]
        y -= 6
        for item in items:
            y -= 15
            self._legend_swatch(item, x0 + 10, y, 26, 10)
            c.setFillColor(colors.black)
            c.setFont(font, 8)
            c.drawString(x0 + 44, y + 2, _h(item, lang))

        # coordinate system and the label note
        y -= 18
        c.setFont(font, 7)
        crs = crs_name(self.result.gk_zone, self.result.gk_epsg, lang=lang)
        for text in (crs, _h("units_m", lang), _h("axes", lang)):
            for line in _wrap(text, font, 7, PANEL_W - 16):
                c.drawString(x0 + 8, y, line)
                y -= 9
        if self.skipped:
            note = (f"{self.labelled} of {len(self.result.plots)} plots labelled; "
                    f"{self.skipped} too small to label at this scale (see the plot table)"
                    if lang == "en" else
                    f"共 {len(self.result.plots)} 块，标注 {self.labelled} 块；"
                    f"{self.skipped} 块图上过小未标注编号（见地块补偿明细表）")
            y -= 3
            for line in _wrap(note, font, 7, PANEL_W - 16):
                c.drawString(x0 + 8, y, line)
                y -= 9
        if self.points_total:
            note = _h("j_labels_all", lang) if self.points_labelled == self.points_total \
                else _h("j_labels_thinned", lang).format(shown=self.points_labelled,
                                                         total=self.points_total)
            y -= 3
            for line in _wrap(note, font, 7, PANEL_W - 16):
                c.drawString(x0 + 8, y, line)
                y -= 9
        if not self.result.plots:
            c.drawString(x0 + 8, y - 3, _h("no_plots", lang))

        self._title_box(x0, MAP_FRAME[1], y - 6)

    def _legend_swatch(self, item: str, x: float, y: float, w: float, hgt: float) -> None:
        c = self.c
        c.saveState()
        if item == "red_line":
            c.setStrokeColor(RED)
            c.setLineWidth(2)
            c.line(x, y + hgt / 2, x + w, y + hgt / 2)
        elif item in ("plan_plot", "state_plot", "other_plot"):
            fill, line, width = {"plan_plot": (PLOT_FILL, PLOT_LINE, 0.6),
                                 "state_plot": (STATE_FILL, PLOT_LINE, 0.6),
                                 "other_plot": (NEIGHBOUR_FILL, NEIGHBOUR_LINE, 0.5)}[item]
            c.setFillColor(fill)
            c.setStrokeColor(line)
            c.setLineWidth(width)
            c.rect(x, y, w, hgt, stroke=1, fill=1)
        elif item == "boundary_point":
            c.setFillColor(PLOT_LINE)
            c.circle(x + w / 2, y + hgt / 2, J_DOT_RADIUS * 1.5, stroke=0, fill=1)
            c.setFont(self.font, J_LABEL_SIZE)
            c.setFillColor(colors.Color(0.1, 0.1, 0.1))
            c.drawString(x + w / 2 + 3, y + hgt / 2 + 1.5, "J1")
        elif item in ("road", "planned_road"):
            c.setStrokeColor(ROAD)
            c.setLineWidth(2.2)
            if item == "planned_road":
                c.setDash([6, 3])
            c.line(x, y + hgt / 2, x + w, y + hgt / 2)
        elif item == "zone":
            c.setStrokeColor(ZONE)
            c.setLineWidth(1.1)
            c.setDash([7, 2.5, 1.5, 2.5])
            c.rect(x, y, w, hgt, stroke=1, fill=0)
        c.restoreState()

    def _title_box(self, x0: float, bottom: float, limit: float) -> None:
        """The sheet's title box (图签) at the bottom of the panel, if there is room."""
        c, font, lang, r = self.c, self.font, self.lang, self.result
        rows = [(_h("park", lang), r.park_name), (_h("plan", lang), r.plan_name),
                (_h("version", lang), f"{_h('version_n', lang).format(v=r.version)} · "
                                      f"{name(PLAN_STATUSES, r.status, lang)}"),
                (_h("organisation", lang), r.organisation),
                (_h("computed_on", lang), r.computed_on.isoformat())]
        key_w = 22 * mm if lang == "en" else 17 * mm
        val_w = PANEL_W - key_w - 6
        wrapped = [(k, _wrap(v, font, 6.5, val_w)[:3]) for k, v in rows]
        heights = [max(1, len(v)) * 8 + 4 for _, v in wrapped]
        if bottom + sum(heights) > limit:
            return  # the legend took the room; the title block on page 1 says it all
        c.setLineWidth(0.5)
        c.setStrokeColor(colors.black)
        y = bottom + sum(heights)
        c.line(x0, y, x0 + PANEL_W, y)
        for (key, lines), hgt in zip(wrapped, heights, strict=True):
            c.setFont(font, 6.5)
            c.setFillColor(colors.black)
            c.drawString(x0 + 3, y - 9, _fit(key, font, 6.5, key_w - 4))
            for i, line in enumerate(lines):
                c.drawString(x0 + key_w + 3, y - 9 - 8 * i, line)
            y -= hgt
            c.line(x0, y, x0 + PANEL_W, y)
        c.line(x0 + key_w, bottom, x0 + key_w, bottom + sum(heights))


def _outward(all_points, points) -> np.ndarray:
    """For each drawn point, the direction off its plot (easting, northing): away from
    its ring's centre on an outer ring (clockwise), towards it on a hole (anticlockwise),
    so a label goes outside the plot or into the hole. Rings are a plot's points with the
    same ring number, in order."""
    rings: dict[tuple[str, int], list] = {}
    for p in all_points:
        rings.setdefault((p.plot_code, p.ring), []).append((p.y, p.x))  # easting, northing
    centre, sign = {}, {}
    for key, ring in rings.items():
        ring = np.array(ring)
        x, y = ring[:, 0] - ring[:, 0].mean(), ring[:, 1] - ring[:, 1].mean()
        twice_area = np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))
        centre[key], sign[key] = ring.mean(axis=0), -1.0 if twice_area > 0 else 1.0
    world = np.array([(p.y, p.x) for p in points])
    ring_centres = np.array([centre[(p.plot_code, p.ring)] for p in points])
    signs = np.array([sign[(p.plot_code, p.ring)] for p in points])[:, None]
    return (world - ring_centres) * signs


class _BoxGrid:
    """Boxes (x0, y0, x1, y1) in a uniform grid of `cell`-point squares, for the question
    "does this box touch any placed one" in constant time when boxes are small."""

    def __init__(self, cell: float):
        self.cell = cell
        self.cells: dict[tuple[int, int], list] = {}

    def _keys(self, b):
        c = self.cell
        for i in range(math.floor(b[0] / c), math.floor(b[2] / c) + 1):
            for j in range(math.floor(b[1] / c), math.floor(b[3] / c) + 1):
                yield i, j

    def add(self, b) -> None:
        for key in self._keys(b):
            self.cells.setdefault(key, []).append(b)

    def hits(self, b) -> bool:
        return any(o[0] < b[2] and o[2] > b[0] and o[1] < b[3] and o[3] > b[1]
                   for key in self._keys(b) for o in self.cells.get(key, ()))


def _distinct_points(points) -> list:
    """The 界址点 to draw: one per number and place (a corner two plots share, numbered
    once, appears in both plots' lists)."""
    seen: dict[tuple, object] = {}
    for p in points:
        seen.setdefault((p.number, round(p.x, 3), round(p.y, 3)), p)
    return list(seen.values())


def _bar_unit(k: float, max_width: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ metres whose double length fits `max_width` points."""
    unit = _nice_step(max_width / 2 / k)
    while unit * 2 * k > max_width:
        unit = _previous_nice(unit)
    return unit


def _previous_nice(value: float) -> float:
    """The 1, 2 or 5 × 10ⁿ just below `value` (itself one of those)."""
    exp = 10 ** math.floor(math.log10(value) + 1e-9)
    mant = round(value / exp)
    return {1: 0.5, 2: 1, 5: 2}.get(mant, 1) * exp


def _label_points(parts: list) -> list[tuple[float, float]]:
    """A point well inside each polygon: the centre of its largest inscribed circle."""
    mic = getattr(shapely, "maximum_inscribed_circle", None)
    if mic is not None:
        arr = np.array(parts, dtype=object)
        # a coarse tolerance is plenty for placing a label, and fast for 1 000 plots
        tol = np.array([max(0.5, 0.02 * max(p.bounds[2] - p.bounds[0], p.bounds[3] - p.bounds[1]))
                        for p in parts])
        centres = shapely.get_point(mic(arr, tol), 0)
        return [(pt.x, pt.y) for pt in centres]
    return [(pt.x, pt.y) for pt in shapely.point_on_surface(np.array(parts, dtype=object))]


def _label_box(anchor, texts: tuple[str, str], font: str, code_size: float,
               area_size: float | None) -> Polygon:
    """The box a plot label takes, centred on `anchor` (page points)."""
    code, area = texts
    w = pdfmetrics.stringWidth(code, font, code_size)
    hgt = code_size + 1
    if area_size:
        w = max(w, pdfmetrics.stringWidth(area, font, area_size))
        hgt += area_size + 1
    x, y = anchor
    return box(x - w / 2 - 1, y - hgt / 2 - 0.5, x + w / 2 + 1, y + hgt / 2 + 0.5)


def _boundary_lines(geometry) -> MultiLineString | LineString:
    """Every ring of a (multi)polygon as lines, holes included (the red line goes round them)."""
    return shapely.boundary(geometry)


__all__ = ["FONT_PACKAGE", "FONT_PATH", "MAP_FRAME", "ReportFontMissing", "nice_scale",
           "write_pdf"]
