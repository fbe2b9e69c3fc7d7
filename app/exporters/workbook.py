"""The plan workbook (XLSX) and the 界址点成果表 (XLSX and CSV) of a requisition plan.

Every number is written as a number at full precision with a display format, so a
spreadsheet sums the same figures the plan page shows; totals are the result's own
values (not formulas), so readers without a formula engine see them too. The boundary
point tables are the exception: they are survey results (成果) and carry the same
0.1 mm coordinates and mm side lengths as the 报批坐标 TXT, so the files agree digit for
digit.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, time
from decimal import Decimal

import xlsxwriter

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
    vocabulary_name,
)
from app.labels import LINE_CATEGORIES, LINE_POSITIONS, MARKER_TYPES
from app.plan_result import COMPONENTS as COMPONENT_KEYS
from app.plan_result import LAND_GROUPS as GROUP_KEYS
from app.plan_result import (
    POINT_DECIMALS,
    Compensation,
    PlanPlot,
    PlanResult,
    closed_rings,
    to_ha,
    to_mu,
)

# Decimals of the published boundary points: coordinates to 0.1 mm, so rounding moves a
# vertex by at most 0.07 mm and, for survey coordinates given in mm (the norm), not at
# all; the area of a plot computed from the written coordinates then stays within
# 0.01 m² of the plan's. Side lengths to the mm, as 界址点成果表 publish them.
COORD_DECIMALS = POINT_DECIMALS
SIDE_DECIMALS = 3

SHEETS = {
    "summary": ("汇总", "Summary"),
    "plots": ("地块明细", "Plots"),
    "owners": ("权属汇总", "Owners"),
    "compensation": ("补偿测算", "Compensation"),
    "points": ("界址点", "Boundary points"),
}
POINTS_SHEET = ("界址点成果表", "Boundary points")

# Display formats by kind of value; the stored value keeps full precision.
NUMBER_FORMATS = {
    "m2": "0.00", "mu": "0.0000", "ha": "0.000000", "yuan": "#,##0.00", "rate": "#,##0.00",
    "int": "0", "coord": "0.0000", "side": "0.000", "date": "yyyy-mm-dd", "text": None,
}
WIDTHS = {"m2": 16, "mu": 14, "ha": 14, "yuan": 16, "rate": 14, "int": 9, "coord": 16,
          "side": 12, "date": 12, "text": 14}

H = {**FIELDS,  # column headings and labels, (zh, en)
    "code": ("地块编号", "Plot code"),
    "name": ("地块名称", "Plot name"),
    "class_code": ("地类编码", "Land class code"),
    "class_name": ("地类名称", "Land class"),
    "group": ("地类组", "Land group"),
    "use_code": ("规划用途编码", "Planned use code"),
    "use": FIELDS["planned_use"],
    "zones": ("区片", "Price zones"),
    "zone": FIELDS["price_zone"],
    "special": ("特殊作物", "Special crop"),
    "floor": ("房屋建筑面积", "House floor area"),
    "plots": ("地块数（块）", "Plots"),
    "land_rate": ("区片综合地价", "Land price"),
    "crop_rate": ("青苗补偿标准", "Young-crop rate"),
    "house_rate": ("房屋补偿标准", "House rate"),
    "social_rate": ("社会保障标准", "Social-security rate"),
    "note": ("备注", "Note"),
    "point": ("点号", "Point"),
    "ring": ("圈号", "Ring"),
    "x": ("X（北坐标，米）", "X northing (m)"),
    "y": ("Y（东坐标，含带号，米）", "Y easting with zone prefix (m)"),
    "side": ("边长（米）", "Side to next point (m)"),
    "marker": ("界标类型", "Marker type"),
    "line_category": ("界址线类别", "Boundary line"),
    "line_position": ("界址线位置", "Line position"),
    "points_n": ("界址点数", "Points"),
    "amount": ("金额", "Amount"),
    "since": ("日期", "Date"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "subtotal": ("小计", "Subtotal"),
    "state_no_comp": ("国有土地，不予补偿", "state land, no compensation"),
    # summary
    "title": ("征地方案汇总表", "Land-requisition plan summary"),
    "organisation": ("编制单位", "Organisation"),
    "date": ("计算日期", "Computed on"),
    "gk_zone": ("带号", "GK zone"),
    "epsg": ("EPSG", "EPSG"),
    "areas": ("面积汇总", "Areas"),
    "total_area": ("总面积", "Total area"),
    "requisition": ("征收面积（集体土地）", "To requisition (collective land)"),
    "state": ("国有土地（不征收）", "State land (no requisition)"),
    "by_group": ("按地类汇总", "By land group"),
    "of_which": ("其中：", "of which: "),
    "by_class": ("按地类（GB/T 21010）汇总", "By land class (GB/T 21010)"),
    "compensation": ("补偿测算汇总", "Compensation estimate"),
    "component": ("补偿项目", "Component"),
    "excluded": ("未列入本方案的地块", "Plots left out of this plan"),
    "excluded_note": ("以下地块已选入方案但未列入本次导出，其面积和补偿不计入以上合计。",
                      "These selected plots were left out of this export; their area and "
                      "compensation are not in the totals above."),
    "none": ("无", "None"),
}

def write_workbook(result: PlanResult, lang: str = "zh") -> bytes:
    """The plan workbook: summary, plots, owners, compensation and boundary points."""
    book = _Book(lang, result)
    _summary_sheet(book, result)
    _plots_sheet(book, result)
    _owners_sheet(book, result)
    _compensation_sheet(book, result)
    _points_table(book, pick(SHEETS["points"], lang), result)
    return book.close()


def write_points_xlsx(result: PlanResult, lang: str = "zh") -> bytes:
    """The 界址点成果表 as a one-sheet workbook."""
    book = _Book(lang, result)
    _points_table(book, pick(POINTS_SHEET, lang), result)
    return book.close()


def write_points_csv(result: PlanResult, lang: str = "zh") -> bytes:
    """The 界址点成果表 as one flat CSV table (every row names its plot; each ring closed
    by its first point again), in UTF-8 with a BOM (so Excel on Chinese Windows reads it).
    Per-plot areas are in the XLSX and PDF tables."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([pick(h, lang) for h, _ in POINT_COLUMNS])
    writer.writerows(
        [code, point, ring, marker, f"{x:.{COORD_DECIMALS}f}", f"{y:.{COORD_DECIMALS}f}",
         category, position, "" if side is None else f"{side:.{SIDE_DECIMALS}f}"]
        for _, rows in point_tables(result, lang)
        for code, point, ring, marker, x, y, category, position, side in rows)
    return out.getvalue().encode("utf-8-sig")


# --- building blocks ----------------------------------------------------------------------

def _with_unit(pair: tuple[str, str], unit: str | tuple[str, str]) -> tuple[str, str]:
    """A heading with its unit, e.g. 面积（平方米） / Area (m²), as a (zh, en) pair."""
    zh_unit, en_unit = UNITS[unit] if isinstance(unit, str) else unit
    return f"{pair[0]}（{zh_unit}）", f"{pair[1]} ({en_unit})"


YUAN_MU = ("元/亩", "yuan/mu")
YUAN_M2 = ("元/平方米", "yuan/m²")


class _Book:
    """An XlsxWriter workbook with the formats the sheets share."""

    def __init__(self, lang: str, result: PlanResult):
        self.lang = lang
        self.buffer = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.buffer, {"in_memory": True})
        # A fixed creation time keeps the file identical for an identical result.
        self.wb.set_properties({
            "title": result.title, "author": result.author or "",
            "company": result.organisation,
            "created": datetime.combine(result.computed_on, time())})
        self.header = self.wb.add_format({
            "bold": True, "text_wrap": True, "align": "center", "valign": "vcenter",
            "border": 1, "bg_color": "#DDEBF7"})
        self.heading = self.wb.add_format({"bold": True, "font_size": 12})
        self.title = self.wb.add_format({"bold": True, "font_size": 14})
        self.indent = self.wb.add_format({"indent": 1})
        self.formats = {}
        for kind, num_format in NUMBER_FORMATS.items():
            for bold in (False, True):
                props = {"bold": bold}
                if num_format:
                    props["num_format"] = num_format
                self.formats[kind, bold] = self.wb.add_format(props)

    def t(self, key: str) -> str:
        return pick(H[key], self.lang)

    def cell(self, ws, row: int, col: int, value, kind: str = "text", bold: bool = False,
             fmt=None) -> None:
        fmt = fmt or self.formats[kind, bold]
        if value is None:
            ws.write_blank(row, col, None, fmt)
        elif isinstance(value, str):
            ws.write_string(row, col, value, fmt)  # never parsed as a formula or number
        elif kind == "date":
            ws.write_datetime(row, col, datetime.combine(value, time()), fmt)
        else:
            ws.write_number(row, col, float(value), fmt)

    def table(self, ws, row: int, columns, rows, bold: bool = False, first_fmt=None) -> int:
        """Write rows under `columns` [(heading, kind)]; returns the next free row."""
        kinds = [kind for _, kind in columns]
        fmts = [self.formats[kind, bold] for kind in kinds]
        if first_fmt is not None:
            fmts[0] = first_fmt
        write_number, write_string = ws.write_number, ws.write_string
        for values in rows:
            for col, value in enumerate(values):
                # numbers and text directly (the bulk of a large plan), the rest by kind
                if type(value) is float:
                    write_number(row, col, value, fmts[col])
                elif type(value) is str:
                    write_string(row, col, value, fmts[col])
                else:
                    self.cell(ws, row, col, value, kinds[col], bold, fmts[col])
            row += 1
        return row

    def header_row(self, ws, row: int, columns) -> None:
        for col, (heading, _) in enumerate(columns):
            ws.write_string(row, col, pick(heading, self.lang), self.header)
        ws.set_row(row, 32)

    def widths(self, ws, columns) -> None:
        for col, (heading, kind) in enumerate(columns):
            # CJK characters take two columns; long headings wrap onto two lines.
            text = pick(heading, self.lang)
            need = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text) / 2 + 2
            ws.set_column(col, col, min(max(WIDTHS[kind], need), 40))

    def close(self) -> bytes:
        self.wb.close()
        return self.buffer.getvalue()


def _money(value: Decimal) -> float:
    return float(value)


def _components(comp: Compensation) -> list[float]:
    return [_money(getattr(comp, c)) for c in COMPONENT_KEYS] + [_money(comp.total)]


def _component_columns() -> list:
    return [(_with_unit(COMPONENTS[c], "yuan"), "yuan")
            for c in (*COMPONENT_KEYS, "total")]


def _area_columns() -> list:
    return [(_with_unit(H["area"], unit), unit) for unit in ("m2", "mu", "ha")]


def _areas(area_m2: float) -> list[float]:
    return [area_m2, to_mu(area_m2), to_ha(area_m2)]


def _group_name(group: str | None, lang: str) -> str:
    return name(LAND_GROUPS, group, lang) if group else pick(H["unclassified"], lang)


# --- sheets ---------------------------------------------------------------------------------

def _summary_sheet(book: _Book, r: PlanResult) -> None:
    lang, t = book.lang, book.t
    ws = book.wb.add_worksheet(pick(SHEETS["summary"], lang))
    ws.write_string(0, 0, f"{t('title')}：{r.plan_name}" if lang != "en"
                    else f"{t('title')}: {r.plan_name}", book.title)
    ws.freeze_panes(1, 0)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 36 if lang == "en" else 30)
    ws.set_column(2, 7, 16)

    crs_text = crs_name(r.gk_zone, r.gk_epsg, lang=lang)
    facts = [
        ("plan", r.plan_name, "text"), ("version", r.version, "int"),
        ("status", name(PLAN_STATUSES, r.status, lang), "text"), ("park", r.park_name, "text"),
        ("organisation", r.organisation, "text"), ("date", r.computed_on, "date"),
        ("author", r.author or "", "text"), ("crs", crs_text, "text"),
        ("gk_zone", r.gk_zone, "int"), ("epsg", r.gk_epsg, "int"),
        ("plots", len(r.plots), "int"),
    ]
    left = {kind: book.wb.add_format({"num_format": NUMBER_FORMATS[kind] or "@",
                                      "align": "left"}) for kind in ("text", "int", "date")}
    row = 2
    for key, value, kind in facts:
        ws.write_string(row, 0, t(key), book.formats["text", True])
        book.cell(ws, row, 1, value, kind, fmt=left[kind])
        row += 1

    count = (H["plots"], "int")
    area_cols = _area_columns()

    # Areas: total, requisitioned (collective) and state land.
    row += 1
    ws.write_string(row, 0, t("areas"), book.heading)
    row += 1
    columns = [(H["item"], "text"), count, *area_cols]
    book.header_row(ws, row, columns)
    state_m2 = r.area_m2 - r.requisition_area_m2
    n_req = sum(1 for p in r.plots if p.needs_requisition)
    row = book.table(ws, row + 1, columns, [
        [t("requisition"), n_req, *_areas(r.requisition_area_m2)],
        [t("state"), len(r.plots) - n_req, *_areas(state_m2)],
    ])
    row = book.table(ws, row, columns, [[t("total_area"), len(r.plots), *_areas(r.area_m2)]],
                     bold=True)

    # Land groups: farmland with cultivated land shown within it, construction, unused.
    row += 1
    ws.write_string(row, 0, t("by_group"), book.heading)
    row += 1
    columns = [(H["group"], "text"), count, *area_cols]
    book.header_row(ws, row, columns)
    row += 1
    groups = {g.land_group: g for g in r.by_land_group}
    farm = [groups["cultivated"], groups["agricultural"]]
    book.table(ws, row, columns, [[pick(FARMLAND, lang), sum(g.plots for g in farm),
                                   *_areas(r.farmland_m2)]])
    row += 1
    for key, label in (("cultivated", t("of_which") + name(LAND_GROUPS, "cultivated", lang)),
                       ("agricultural", name(LAND_GROUPS, "agricultural", lang))):
        row = book.table(ws, row, columns, [[label, groups[key].plots,
                                             *_areas(groups[key].area_m2)]],
                         first_fmt=book.indent)
    rows = [[_group_name(g, lang), groups[g].plots, *_areas(groups[g].area_m2)]
            for g in ("construction", "unused")]
    other = [p for p in r.plots if p.land_group not in GROUP_KEYS]
    if other:  # a plot without a known group must still show up somewhere
        rows.append([_group_name(None, lang), len(other), *_areas(sum(p.area_m2 for p in other))])
    row = book.table(ws, row, columns, rows)
    row = book.table(ws, row, columns, [[t("total"), len(r.plots), *_areas(r.area_m2)]],
                     bold=True)

    # GB/T 21010 classes.
    row += 1
    ws.write_string(row, 0, t("by_class"), book.heading)
    row += 1
    columns = [(H["class_code"], "text"), (H["class_name"], "text"), (H["group"], "text"),
               count, *area_cols]
    book.header_row(ws, row, columns)
    row = book.table(ws, row + 1, columns, [
        [c.land_class or "", c.land_class_name or "", _group_name(c.land_group, lang),
         c.plots, *_areas(c.area_m2)] for c in r.by_land_class])
    row = book.table(ws, row, columns, [[t("total"), "", "", len(r.plots), *_areas(r.area_m2)]],
                     bold=True)

    # Compensation by component.
    row += 1
    ws.write_string(row, 0, t("compensation"), book.heading)
    row += 1
    columns = [(H["component"], "text"), (_with_unit(H["amount"], "yuan"), "yuan")]
    book.header_row(ws, row, columns)
    row = book.table(ws, row + 1, columns, [
        [name(COMPONENTS, c, lang), _money(getattr(r.compensation, c))] for c in COMPONENT_KEYS])
    row = book.table(ws, row, columns,
                     [[name(COMPONENTS, "total", lang), _money(r.compensation.total)]], bold=True)

    # Excluded plots: the export must say what it left out.
    row += 1
    ws.write_string(row, 0, t("excluded"), book.heading)
    row += 1
    ws.write_string(row, 0, t("excluded_note"))
    row += 1
    columns = [(H["code"], "text"), (H["reason"], "text"), *area_cols[:2], (H["since"], "date")]
    book.header_row(ws, row, columns)
    row += 1
    if not r.excluded:
        ws.write_string(row, 0, t("none"))
    book.table(ws, row, columns, [
        [e.code, name(EXCLUSION_REASONS, e.reason, lang), e.area_m2, to_mu(e.area_m2), e.since]
        for e in r.excluded])


def _plot_row(p: PlanPlot, lang: str) -> list:
    return [p.code, p.name or "", p.land_class or "", p.land_class_name or "",
            _group_name(p.land_group, lang), p.owner, name(OWNER_TYPES, p.owner_type, lang),
            p.planned_use or "", p.planned_use_name or "", p.price_zones,
            *_areas(p.area_m2), pick(H["yes"] if p.special_crop else H["no"], lang),
            p.house_floor_area_m2, *_components(p.compensation)]


def _plots_sheet(book: _Book, r: PlanResult) -> None:
    lang = book.lang
    ws = book.wb.add_worksheet(pick(SHEETS["plots"], lang))
    columns = [(H[k], "text") for k in ("code", "name", "class_code", "class_name", "group",
                                        "owner", "owner_type", "use_code", "use", "zones")]
    columns += [*_area_columns(), (H["special"], "text"),
                (_with_unit(H["floor"], "m2"), "m2"), *_component_columns()]
    book.header_row(ws, 0, columns)
    row = book.table(ws, 1, columns, [_plot_row(p, lang) for p in r.plots])
    book.table(ws, row, columns, [[
        book.t("total"), *[""] * 9, *_areas(r.area_m2), "",
        sum(p.house_floor_area_m2 for p in r.plots), *_components(r.compensation)]], bold=True)
    book.widths(ws, columns)
    ws.set_column(5, 5, 30)  # village committee names are long
    ws.freeze_panes(1, 1)


def _owners_sheet(book: _Book, r: PlanResult) -> None:
    lang = book.lang
    ws = book.wb.add_worksheet(pick(SHEETS["owners"], lang))
    columns = [(H["owner"], "text"), (H["owner_type"], "text"), (H["plots"], "int")]
    columns += [(_with_unit((f"{LAND_GROUPS[g][0]}面积", f"{LAND_GROUPS[g][1]} area"), "m2"),
                 "m2") for g in GROUP_KEYS]
    columns += [*_area_columns(), *_component_columns()]
    book.header_row(ws, 0, columns)
    row = book.table(ws, 1, columns, [
        [o.owner, name(OWNER_TYPES, o.owner_type, lang), o.plots,
         *(o.area_by_group.get(g, 0.0) for g in GROUP_KEYS), *_areas(o.area_m2),
         *_components(o.compensation)] for o in r.by_owner])
    groups = {g.land_group: g.area_m2 for g in r.by_land_group}
    book.table(ws, row, columns, [[
        book.t("total"), "", len(r.plots), *(groups[g] for g in GROUP_KEYS), *_areas(r.area_m2),
        *_components(r.compensation)]], bold=True)
    book.widths(ws, columns)
    ws.set_column(0, 0, 30)
    ws.freeze_panes(1, 1)


def _compensation_sheet(book: _Book, r: PlanResult) -> None:
    """Per plot one row per price piece (rates and area × rate), then the plot's subtotal.

    As `requisition.compensation` computes it: land, crops and social security are the
    piece's 亩 × 元/亩, houses the floor area shared by the piece's area × 元/m². The
    subtotal is the plot's own compensation, rounded to the fen once.
    """
    lang, t = book.lang, book.t
    ws = book.wb.add_worksheet(pick(SHEETS["compensation"], lang))
    columns = [(H["code"], "text"), (H["zone"], "text"), *_area_columns()[:2],
               (_with_unit(H["land_rate"], YUAN_MU), "rate"),
               (_with_unit(H["crop_rate"], YUAN_MU), "rate"),
               (_with_unit(H["house_rate"], YUAN_M2), "rate"),
               (_with_unit(H["social_rate"], YUAN_MU), "rate"),
               (_with_unit(H["floor"], "m2"), "m2"),
               *_component_columns(), (H["note"], "text")]
    book.header_row(ws, 0, columns)
    rows, subtotals = [], []
    for p in r.plots:
        owed = p.needs_requisition
        pieces_m2 = sum(piece.area_m2 for piece in p.pieces) or 1.0
        for piece in p.pieces:
            mu = piece.area_mu
            floor = p.house_floor_area_m2 * piece.area_m2 / pieces_m2
            land, crops, houses, social = ((mu * float(piece.land_price_yuan_mu),
                                            mu * float(piece.crop_yuan_mu),
                                            floor * float(piece.house_yuan_m2),
                                            mu * float(piece.social_security_yuan_mu))
                                           if owed else (0.0, 0.0, 0.0, 0.0))
            rows.append([p.code, piece.price_zone, piece.area_m2, mu,
                         float(piece.land_price_yuan_mu), float(piece.crop_yuan_mu),
                         float(piece.house_yuan_m2), float(piece.social_security_yuan_mu),
                         floor, land, crops, houses, social, land + crops + houses + social,
                         "" if owed else t("state_no_comp")])
        subtotals.append(len(rows))
        rows.append([p.code, t("subtotal"), p.area_m2, p.area_mu, None, None, None, None,
                     p.house_floor_area_m2, *_components(p.compensation), ""])
    row = 1
    start = 0
    for end in subtotals:  # pieces plain, the plot's subtotal in bold
        row = book.table(ws, row, columns, rows[start:end])
        row = book.table(ws, row, columns, [rows[end]], bold=True)
        start = end + 1
    book.table(ws, row, columns, [[
        t("total"), "", r.area_m2, r.area_mu, None, None, None, None,
        sum(p.house_floor_area_m2 for p in r.plots), *_components(r.compensation), ""]],
        bold=True)
    book.widths(ws, columns)
    ws.freeze_panes(1, 1)


#: The 界址点成果表's columns (TD/T 1008): plot, point, ring, marker type, X, Y, then the
#: boundary line from this point to the next (category, position, length); 圈号 is ours,
#: for plots with holes or parts.
POINT_COLUMNS = [(H["code"], "text"), (H["point"], "text"), (H["ring"], "int"),
                 (H["marker"], "text"), (H["x"], "coord"), (H["y"], "coord"),
                 (H["line_category"], "text"), (H["line_position"], "text"),
                 (H["side"], "side")]


def point_tables(result: PlanResult, lang: str = "zh"):
    """Per plot (plot, rows) of its 界址点成果表: one row per point, ring by ring, each ring
    closed by a row repeating its first point (no side: the ring ends there). Coordinates
    to 0.1 mm and sides to the mm, as the TXT writes them; names of the survey's marker
    type and line category/position in `lang`."""
    survey = result.survey
    marker = vocabulary_name(MARKER_TYPES, survey.marker_type, lang)
    category = vocabulary_name(LINE_CATEGORIES, survey.line_category, lang)
    position = vocabulary_name(LINE_POSITIONS, survey.line_position, lang)
    points = result.points_by_plot
    for plot in result.plots:
        yield plot, [
            (pt.plot_code, pt.name, pt.ring, marker, round(pt.x, COORD_DECIMALS),
             round(pt.y, COORD_DECIMALS), *(("", "", None) if closing else (
                 category, position, round(pt.side_m, SIDE_DECIMALS))))
            for pt, closing in closed_rings(points[plot.code])]


def _points_table(book: _Book, sheet_name: str, result: PlanResult) -> None:
    """One table per plot: its code and name, the heading row, the points (each ring
    closed) and a total row with its number of points and its area."""
    lang, t = book.lang, book.t
    ws = book.wb.add_worksheet(sheet_name)
    columns = POINT_COLUMNS
    total_columns = [(H["total"], "text"), (H["points_n"], "text"), (H["points_n"], "int"),
                     *((H["area"], kind) for u in ("m2", "mu", "ha") for kind in ("text", u))]
    units = [pick(_with_unit(H["area"], u), lang) for u in ("m2", "mu", "ha")]
    row = 0
    for plot, rows in point_tables(result, lang):
        title = " ".join(x for x in (plot.code, plot.name) if x)
        ws.write_string(row, 0, f"{t('plot')}：{title}" if lang != "en"
                        else f"{t('plot')}: {title}", book.heading)
        book.header_row(ws, row + 1, columns)
        row = book.table(ws, row + 2, columns, rows)
        n = len({pt.number for pt in result.points_by_plot[plot.code]})
        row = book.table(ws, row, total_columns, [[
            t("total"), t("points_n"), n, units[0], plot.area_m2, units[1], plot.area_mu,
            units[2], plot.area_ha]], bold=True) + 1
    book.widths(ws, columns)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
