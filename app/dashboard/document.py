"""The dashboard as documents (issue 15 item 2): the 集约利用评价 tables as XLSX (the
indicators of the park and of each zone with their formulas as text, the 24-month trend)
and as PDF (A4 landscape, the same two tables), written as the 旬报 is (xlsxwriter with
every text cell a string; ReportLab with the plan report's CJK font and the 旬报's table).
Headings in the document's language. Free of Flask."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from ..exporters.headings import pick, vocabulary_name
from ..indicators.indicator import INDICATORS
from ..labels import local_name
from ..projects.report import PDF, XLSX, new_workbook, write_cell

__all__ = ["PDF", "XLSX", "pdf", "xlsx"]

H = {
    "title": ("开发区土地集约利用评价", "Intensive land use evaluation"),
    "indicators": ("评价指标", "Indicators"), "trend": ("月末趋势", "Month-end trend"),
    "indicator": ("指标", "Indicator"), "unit": ("单位", "Unit"), "park": ("园区", "Park"),
    "change": ("较上月末变化", "Change since last month end"),
    "formula": ("计算方法", "How computed"), "month_end": ("月末", "Month end"),
    "as_of": ("截至", "As of"), "zone": ("片区", "Zone"),
}
UNITS = {"%": ("%", "%"), "ratio": ("比值", "ratio"), "万元/公顷": ("万元/公顷", "10k yuan/ha"),
         "亩": ("亩", "mu")}
NAMES = {k: spec.name for k, spec in INDICATORS.items()}
FORMULAS = {k: spec.formula for k, spec in INDICATORS.items()}


def _scope_name(found: dict, park: dict, lang: str) -> str:
    zone = next((z for z in found["zones"] if z["code"] == found["zone"]), None)
    named = zone or park
    name = local_name(named, lang)
    return f'{pick(H["zone"], lang)} {zone["code"]} {name}' if zone else name


def _title(found: dict, park: dict, lang: str) -> tuple[str, str]:
    return (f'{_scope_name(found, park, lang)} {pick(H["title"], lang)}',
            f'{pick(H["as_of"], lang)} {found["evaluated_on"].isoformat()}')


def indicator_table(found: dict, lang: str) -> tuple[list[str], list[list]]:
    """The 集约利用评价 table: an indicator a row; its unit, the value of the scope (the
    park or the chosen zone), of the park's zones, the change since the last month end
    and the formula in words."""
    scope = f'{pick(H["zone"], lang)} {found["zone"]}' if found["zone"] else pick(H["park"], lang)
    head = [pick(H[c], lang) for c in ("indicator", "unit")] + [scope] \
        + [z["code"] for z in found["zones"]] + [pick(H[c], lang) for c in ("change", "formula")]
    per_zone = {z["code"]: z["values"] for z in found["zones"]}
    rows = []
    for card in found["cards"]:
        key = card["key"]
        rows.append([vocabulary_name(NAMES, key, lang), pick(UNITS[card["unit"]], lang),
                     card["value"], *[per_zone[z["code"]].get(key) for z in found["zones"]],
                     card["change"], vocabulary_name(FORMULAS, key, lang)])
    return head, rows


def trend_table(found: dict, lang: str) -> tuple[list[str], list[list]]:
    """The month-end trend: a month a row, an indicator a column."""
    keys = [c["key"] for c in found["cards"]]
    head = [pick(H["month_end"], lang)] + [
        f'{vocabulary_name(NAMES, k, lang)} ({pick(UNITS[INDICATORS[k].unit], lang)})'
        for k in keys]
    series = found["trend"]["series"]
    rows = [[d] + [(series.get(k) or [None] * (n + 1))[n] for k in keys]
            for n, d in enumerate(found["trend"]["months"])]
    return head, rows


def xlsx(found: dict, park: dict, lang: str = "zh") -> bytes:
    """The workbook: the indicators sheet and the trend sheet."""
    out, book, fmt = new_workbook()
    number = book.add_format({"border": 1, "num_format": "#,##0.00", "valign": "top"})
    title, subtitle = _title(found, park, lang)
    for sheet, table in (("indicators", indicator_table), ("trend", trend_table)):
        ws = book.add_worksheet(pick(H[sheet], lang)[:31])
        write_cell(ws, 0, 0, title, fmt["title"])
        write_cell(ws, 1, 0, subtitle, None)
        head, rows = table(found, lang)
        for c, text in enumerate(head):
            ws.write_string(3, c, text, fmt["head"])
            ws.set_column(c, c, 60 if text == pick(H["formula"], lang) else 16)
        for r, row in enumerate(rows, 4):
            for c, value in enumerate(row):
                kind = fmt["date"] if c == 0 and sheet == "trend" else \
                    number if isinstance(value, int | float) else fmt["text"]
                write_cell(ws, r, c, value, kind)
        ws.freeze_panes(4, 1)
    book.close()
    return out.getvalue()


def _shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, int | float):
        return f"{value:,.2f}"
    return str(value)


def pdf(found: dict, park: dict, lang: str = "zh") -> bytes:
    """The two tables for printing, A4 landscape."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    from ..exporters.report import cjk_font
    from ..projects.pdf_table import ReportTable
    font = cjk_font()
    big = ParagraphStyle("title", fontName=font, fontSize=14, leading=18)
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12)
    title, subtitle = _title(found, park, lang)
    width = landscape(A4)[0] - 16 * mm
    story = [Paragraph(escape(title), big), Paragraph(escape(subtitle), body), Spacer(1, 4 * mm)]
    for n, table in enumerate((indicator_table, trend_table)):
        head, rows = table(found, lang)
        if n == 0:  # the formula column takes what the numbers leave
            numbers = [32 * mm, 16 * mm] + [20 * mm] * (len(head) - 3)
            widths = numbers + [width - sum(numbers)]
        else:
            widths = [20 * mm] + [(width - 20 * mm) / (len(head) - 1)] * (len(head) - 1)
        right = set(range(2, len(head) - 1)) if n == 0 else set(range(1, len(head)))
        story += [Paragraph(escape(pick(H["indicators" if n == 0 else "trend"], lang)), body),
                  ReportTable(head, [[_shown(v) for v in row] for row in rows], widths, font,
                              right=right)]
        if n == 0:
            story.append(PageBreak())
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=8 * mm, rightMargin=8 * mm,
                            topMargin=10 * mm, bottomMargin=10 * mm, title=title,
                            author="ParkAtlas", initialFontName=font)
    doc.build(story)
    return out.getvalue()
