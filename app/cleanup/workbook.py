"""A clean-up list as the workbook a land office reports upward (XLSX): a title row (park,
list, date), the filters, headings in the document's language, one row a plot with its
area in 亩, then the totals (the list's own sums, not formulas, so a reader without a
formula engine sees them). Text is always written as text: a name starting with "=" stays
text. Headings are (zh, en) pairs as the other exports'. Free of Flask."""

from __future__ import annotations

from datetime import date

import psycopg

from ..exporters.headings import pick, vocabulary_name
from ..labels import DISPOSALS, STAGES, local_name
from ..projects.report import new_workbook, write_cell
from . import lists

H = {
    "n": ("序号", "No."), "code": ("地块编号", "Plot"), "name": ("地块名称", "Plot name"),
    "zone": ("功能分区", "Zone"), "land_user": ("用地单位", "Land user"),
    "owner": ("权属单位", "Owner"), "contract_no": ("合同编号", "Contract no."),
    "area_mu": ("面积（亩）", "Area (mu)"), "stage": ("阶段", "Stage"),
    "kinds": ("类型/原因", "Type / cause"), "clock_from": ("起算日期", "Clock from"),
    "mark_1y": ("满一年日期", "1-year mark"), "mark_2y": ("满两年日期", "2-year mark"),
    "deadline_on": ("限期动工日期", "Start deadline"), "days_left": ("剩余天数", "Days left"),
    "days_over": ("超期天数", "Days over"), "age_days": ("已历天数", "Age (days)"),
    "failing": ("未达标指标", "Failing indicators"), "disposal": ("处置情况", "Disposal"),
    "total": ("合计", "Total"), "plots": ("宗", "plots"),
    "park": ("园区", "Park"), "as_of": ("截至", "As of"), "filters": ("筛选", "Filters"),
}
CLOCK = ("clock_from", "mark_1y", "mark_2y", "deadline_on", "days_left", "days_over", "age_days")
COMMON = ("n", "code", "name", "zone", "land_user", "owner", "contract_no", "area_mu", "stage",
          "kinds")
DATES = {"clock_from", "mark_1y", "mark_2y", "deadline_on"}
NUMBERS = {"area_mu": "mu", "days_left": "days_behind", "days_over": "days_behind",
           "age_days": "days_behind", "n": "n"}


def columns(name: str) -> tuple[str, ...]:
    """A list's columns: low-efficiency land has its failing indicators, the others the
    legal clock; the idle and low-efficiency lists their disposal."""
    middle = ("failing",) if name == "low_efficiency" else CLOCK
    return COMMON + middle + (("disposal",) if name in ("idle", "low_efficiency") else ())


def disposal_text(row: dict, lang: str) -> str | None:
    """The plot's current disposal: its name, date and 文号."""
    if row["disposal"] is None:
        return None
    parts = [vocabulary_name(DISPOSALS, row["disposal"], lang),
             (row["disposal_decided_on"] or row["disposal_on"]).isoformat(),
             row["disposal_doc_no"]]
    return " ".join(p for p in parts if p)


def cells(row: dict, n: int, name: str, lang: str) -> dict:
    """One plot's cells, by column."""
    kinds = lists.KINDS[name]
    return {**{k: row.get(k) for k in COMMON + CLOCK}, "n": n,
            "zone": local_name(row, lang, "zone_name") or row["zone"],
            "stage": vocabulary_name(STAGES, row["stage"], lang) if row["stage"] else None,
            "kinds": pick(("、", ", "), lang).join(vocabulary_name(kinds, k, lang)
                                                  for k in row["kinds"]),
            "failing": pick(("；", "; "), lang).join(lists.failing_text(f, lang)
                                                    for f in row["failing"] or []),
            "disposal": disposal_text(row, lang)}


def xlsx(conn: psycopg.Connection, park: dict, name: str, as_of: date | None,
         filters: lists.Filters = lists.NO_FILTERS, lang: str = "zh") -> bytes:
    """The list as a workbook (see the module's docstring)."""
    found = lists.listing(conn, park["id"], name, as_of, filters)
    out, book, fmt = new_workbook()
    fmt["mu"] = book.add_format({"border": 1, "num_format": "0.0000", "valign": "top"})
    fmt["total"] = book.add_format({"bold": True, "border": 1, "num_format": "0.0000"})
    cols = columns(name)
    title = vocabulary_name(lists.LISTS, name, lang)
    park_name = local_name(park, lang)
    ws = book.add_worksheet(title[:31])
    heading = f"{park_name}: {title} list" if lang == "en" else f"{park_name}{title}清单"
    write_cell(ws, 0, 0, heading, fmt["title"])
    said = [f"{pick(H['as_of'], lang)} {found['as_of']}"]
    if found["filters"]:
        said.append(pick(H["filters"], lang) + ": " + ", ".join(
            f"{k}={v}" for k, v in found["filters"].items()))
    write_cell(ws, 1, 0, "  ".join(said), None)
    for c, col in enumerate(cols):
        ws.write_string(3, c, pick(H[col], lang), fmt["head"])
        ws.set_column(c, c, 40 if col in ("failing", "kinds") else
                      20 if col in ("name", "land_user", "owner", "disposal") else 12)
    r = 3
    for r, row in enumerate(found["plots"], 4):
        values = cells(row, r - 3, name, lang)
        for c, col in enumerate(cols):
            kind = "date" if col in DATES else NUMBERS.get(col, "text")
            value = values[col]
            write_cell(ws, r, c, (value or None) if kind == "text" else value, fmt[kind])
    r += 1
    write_cell(ws, r, 0, pick(H["total"], lang), fmt["head"])
    write_cell(ws, r, 1, f"{found['totals']['plots']} {pick(H['plots'], lang)}", fmt["head"])
    write_cell(ws, r, cols.index("area_mu"), found["totals"]["area_mu"], fmt["total"])
    ws.freeze_panes(4, 2)
    book.close()
    return out.getvalue()

