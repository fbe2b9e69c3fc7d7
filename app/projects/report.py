"""The 旬报 (ten-day report, issue 12 item 6) and the 点将台 (responsibility table) as
documents: the 旬报 as XLSX (xlsxwriter, as the plan exports) and PDF (ReportLab with the
plan report's CJK font), the 点将台 as XLSX. Headings in the document's language (zh or
en, as the plan exports: (zh, en) pairs, vocabulary names from the app's catalogue).

The 旬报 lists every key project (on one of the key lists, project.TAGS) that existed at
the end of the 旬, with its values then (sql/queries/projects/period_report.sql over
project_period_values): the numbers come from dated records and the audit trail only, so
a past 旬's report comes out with the same numbers however much is recorded later. Every
text cell is written as a string (a name starting with "=" stays text). Free of Flask."""

from __future__ import annotations

import io
from datetime import date
from xml.sax.saxutils import escape

import psycopg
import xlsxwriter

from ..db import queries
from ..exporters.headings import pick, vocabulary_name
from ..labels import PROJECT_STAGES, local_name
from .period import Period, as_of_reading
from .project import FLAGS, TAGS

KEY_TAGS = list(TAGS)
ROSTER_MONTHS = 6

H = {
    "n": ("序号", "No."), "code": ("项目编号", "Code"), "name": ("项目名称", "Project"),
    "company": ("企业", "Company"), "tags": ("重点类别", "Key lists"),
    "stage": ("阶段", "Stage"), "progress": ("形象进度（%）", "Works done (%)"),
    "reported_on": ("进度报告日期", "Reported on"),
    "investment_done": ("完成投资（万元）", "Investment completed (10k yuan)"),
    "planned_investment": ("计划投资（万元）", "Planned investment (10k yuan)"),
    "invest_pct": ("投资完成率（%）", "Investment completed (% of plan)"),
    "flag": ("旗帜", "Flag"), "days_behind": ("滞后天数", "Days behind"),
    "leader": ("责任领导", "Responsible leader"), "unit": ("责任单位", "Responsible unit"),
    "official": ("首席代办", "Chief service official"),
    "changed": ("较上旬变化", "Change since the previous period"),
    "target": ("目标", "Target"), "planned_completion": ("计划竣工", "Planned completion"),
    "planned_operation": ("计划投产", "Planned operation"),
    "title": ("重点项目旬报", "Key projects ten-day report"),
    "roster": ("点将台", "Responsibility table"),
    "park": ("园区", "Park"), "period": ("统计期", "Period"), "as_of": ("截至", "As of"),
    "none": ("无重点项目", "No key projects"),
}
COLUMNS = ("n", "code", "name", "company", "tags", "stage", "progress", "reported_on",
           "investment_done", "planned_investment", "invest_pct", "flag", "days_behind",
           "leader", "unit", "official", "changed")
NUMBER = {"progress": "0.0", "investment_done": "#,##0.00", "planned_investment": "#,##0.00",
          "invest_pct": "0.0", "days_behind": "0", "n": "0"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def rows(conn: psycopg.Connection, park_id: int, period: Period) -> list[dict]:
    """The 旬报's projects with their values at the end of the 旬 and of the one before."""
    with as_of_reading(conn):
        return list(queries().projects.period_report(
            conn, park_id=park_id, d=period.end, prev_d=period.previous.end,
            start_d=period.start, tags=KEY_TAGS))


def changes(row: dict, lang: str = "zh") -> str:
    """What changed since the previous 旬, in words: a new project, the stage, the milestones
    reached (with their dates), the progress and investment added, the flag."""
    said = []
    if not row["prev_existed"]:
        return pick(("本旬新增", "new this period"), lang)
    if row["prev_stage"] != row["stage"]:
        said.append(pick(("阶段 ", "stage "), lang)
                    + f'{_stage(row["prev_stage"], lang)}→{_stage(row["stage"], lang)}')
    for m in row["reached"]:
        said.append(pick(("{s}节点 {d} 完成", "{s} reached on {d}"), lang).format(
            s=_stage(m["stage"], lang), d=m["on"]))
    delta = (row["progress_pct"] or 0) - (row["prev_progress_pct"] or 0)
    if delta:
        said.append(pick(("进度 {v:+.1f} 个百分点", "progress {v:+.1f} points"),
                         lang).format(v=delta))
    done, before = row["investment_done"] or 0, row["prev_investment_done"] or 0
    if done != before:
        said.append(pick(("投资 {v:+,.2f} 万元", "investment {v:+,.2f} (10k yuan)"),
                         lang).format(v=done - before))
    if row["prev_flag"] != row["flag"]:
        said.append(f'{_flag(row["prev_flag"], lang)}→{_flag(row["flag"], lang)}')
    return pick(("；", "; "), lang).join(said) or pick(("无变化", "no change"), lang)


def _stage(stage: str | None, lang: str) -> str:
    return vocabulary_name(PROJECT_STAGES, stage, lang) if stage else ""


def _flag(flag: str | None, lang: str) -> str:
    return vocabulary_name(FLAGS, flag, lang) if flag else ""


def _tags(tags: list[str], lang: str) -> str:
    return pick(("、", ", "), lang).join(vocabulary_name(TAGS, t, lang) for t in tags if t in TAGS)


def values(row: dict, n: int, lang: str) -> dict:
    """One project's cells, by column."""
    return {"n": n, "code": row["code"], "name": row["name"], "company": row["company"],
            "tags": _tags(row["tags"], lang), "stage": _stage(row["stage"], lang),
            "progress": row["progress_pct"], "reported_on": row["reported_on"],
            "investment_done": row["investment_done"],
            "planned_investment": row["planned_investment"], "invest_pct": row["invest_pct"],
            "flag": _flag(row["flag"], lang), "days_behind": row["days_behind"],
            "leader": row["leader"], "unit": row["responsible_unit"],
            "official": row["service_official"], "changed": changes(row, lang)}


def new_workbook() -> tuple[io.BytesIO, xlsxwriter.Workbook, dict]:
    out = io.BytesIO()
    # strings_to_formulas/numbers/urls off: text is never read as a formula, number or link
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_numbers": False, "strings_to_urls": False})
    head = book.add_format({"bold": True, "text_wrap": True, "align": "center",
                            "valign": "vcenter", "border": 1, "bg_color": "#DDEBF7"})
    fmt = {"head": head, "title": book.add_format({"bold": True, "font_size": 14}),
           "text": book.add_format({"border": 1, "text_wrap": True, "valign": "top"}),
           "date": book.add_format({"border": 1, "num_format": "yyyy-mm-dd", "valign": "top"})}
    for key, number in NUMBER.items():
        fmt[key] = book.add_format({"border": 1, "num_format": number, "valign": "top"})
    return out, book, fmt


def write_cell(ws, r: int, c: int, value, fmt) -> None:
    if value is None:
        ws.write_blank(r, c, None, fmt)
    elif isinstance(value, date):
        ws.write_datetime(r, c, value, fmt)
    elif isinstance(value, int | float):
        ws.write_number(r, c, value, fmt)
    else:
        ws.write_string(r, c, str(value), fmt)  # never a formula


def _kind(col: str) -> str:
    return "date" if col == "reported_on" else col if col in NUMBER else "text"


def period_xlsx(conn: psycopg.Connection, park: dict, period: Period, lang: str = "zh") -> bytes:
    """The 旬报 as a workbook: a title row (park, 旬, its last day), then one row a project."""
    out, book, fmt = new_workbook()
    ws = book.add_worksheet(pick(H["title"], lang)[:31])
    write_cell(ws, 0, 0, f'{local_name(park, lang)} {pick(H["title"], lang)}', fmt["title"])
    write_cell(ws, 1, 0, f'{pick(H["period"], lang)}: {period.name(lang)}  '
          f'{pick(H["as_of"], lang)} {period.end.isoformat()}', None)
    for c, col in enumerate(COLUMNS):
        ws.write_string(3, c, pick(H[col], lang), fmt["head"])
        ws.set_column(c, c, 40 if col == "changed" else 22 if col in ("name", "company") else 12)
    for n, row in enumerate(rows(conn, park["id"], period), 1):
        cells = values(row, n, lang)
        for c, col in enumerate(COLUMNS):
            write_cell(ws, 3 + n, c, cells[col], fmt[_kind(col)])
    ws.freeze_panes(4, 3)
    book.close()
    return out.getvalue()


def period_pdf(conn: psycopg.Connection, park: dict, period: Period, lang: str = "zh") -> bytes:
    """The 旬报 for printing: A4 landscape, the same columns as the workbook, the table drawn
    straight on the canvas (ReportTable)."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from ..exporters.report import cjk_font  # the plan report's CJK font set-up
    from .pdf_table import ReportTable
    font = cjk_font()
    title = ParagraphStyle("title", fontName=font, fontSize=14, leading=18)
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12)
    widths = [w * mm for w in PDF_WIDTHS]
    found = rows(conn, park["id"], period)
    cells = ([[_shown(values(row, n, lang)[c]) for c in COLUMNS]
              for n, row in enumerate(found, 1)]
             or [[pick(H["none"], lang)] + [""] * (len(COLUMNS) - 1)])
    table = ReportTable([pick(H[c], lang) for c in COLUMNS], cells, widths, font,
                        right={c for c, col in enumerate(COLUMNS) if col in NUMBER})
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=8 * mm,
                            rightMargin=8 * mm, topMargin=10 * mm, bottomMargin=10 * mm,
                            title=pick(H["title"], lang), author="ParkAtlas",
                            initialFontName=font)
    doc.build([Paragraph(escape(f'{local_name(park, lang)} {pick(H["title"], lang)}'), title),
               Paragraph(escape(f'{pick(H["period"], lang)}: {period.name(lang)}  '
                                f'{pick(H["as_of"], lang)} {period.end.isoformat()}'), body),
               table])
    return out.getvalue()


PDF_WIDTHS = [7, 15, 24, 24, 15, 11, 11, 15, 15, 15, 12, 11, 10, 13, 17, 13, 49]  # mm
def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def roster_months(period: Period) -> list[str]:
    """The 点将台's months: the 旬's month and the five before it, as YYYY-MM."""
    y, m = period.year, period.month
    months = []
    for _ in range(ROSTER_MONTHS):
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return months[::-1]


def roster_xlsx(conn: psycopg.Connection, park: dict, period: Period, lang: str = "zh") -> bytes:
    """The 点将台: project, target (planned investment, completion and operation dates),
    leader, unit, service official, and each month's latest reported progress (%)."""
    months = roster_months(period)
    out, book, fmt = new_workbook()
    ws = book.add_worksheet(pick(H["roster"], lang))
    write_cell(ws, 0, 0, f'{local_name(park, lang)} {pick(H["roster"], lang)}', fmt["title"])
    write_cell(ws, 1, 0, f'{pick(H["period"], lang)}: {period.name(lang)}', None)
    heads = [pick(H[k], lang) for k in ("n", "code", "name", "company", "tags", "stage")] + [
        f'{pick(H["target"], lang)}: {pick(H["planned_investment"], lang)}',
        pick(H["planned_completion"], lang), pick(H["planned_operation"], lang),
        pick(H["leader"], lang), pick(H["unit"], lang), pick(H["official"], lang),
        *[f'{m} {pick(H["progress"], lang)}' for m in months]]
    for c, text in enumerate(heads):
        ws.write_string(3, c, text, fmt["head"])
        ws.set_column(c, c, 22 if c in (2, 3) else 12)
    found = queries().projects.roster(conn, park_id=park["id"], tags=KEY_TAGS,
                                      since=date.fromisoformat(months[0] + "-01"),
                                      until=period.end)
    for n, row in enumerate(found, 1):
        cells = [(n, "n"), (row["code"], "text"), (row["name"], "text"),
                 (row["company"], "text"), (_tags(row["tags"], lang), "text"),
                 (_stage(row["stage"], lang), "text"),
                 (row["planned_investment"], "planned_investment"),
                 (row["planned_completion"], "date"), (row["planned_operation"], "date"),
                 (row["leader"], "text"), (row["responsible_unit"], "text"),
                 (row["service_official"], "text"),
                 *[(row["monthly"].get(m), "progress") for m in months]]
        for c, (value, kind) in enumerate(cells):
            write_cell(ws, 3 + n, c, value, fmt[kind])
    ws.freeze_panes(4, 3)
    book.close()
    return out.getvalue()
