"""The 亩均效益 evaluation of a year as a workbook (XLSX): a title row (park, year, method),
then one row an enterprise, best first; areas in 亩, amounts in 万元 with the unit in the
heading; a missing figure is an empty cell (never 0); text never becomes a formula."""

from __future__ import annotations

from ..exporters.headings import vocabulary_name
from ..labels import N_, local_name
from ..projects.report import new_workbook, write_cell
from .evaluation import FIGURES, METHODS

# Column → message id (translated by the catalogue), the figures' units appended.
COLUMNS = {"rank": N_("Rank"), "code": N_("Code"), "name": N_("Name"),
           "company": N_("Enterprise"), "zone": N_("Zone"), "industry": N_("Industry"),
           **{k: name for k, (name, _unit) in FIGURES.items()}, "class": N_("Class")}
UNITS = {k: unit for k, (_name, unit) in FIGURES.items() if unit}
FORMATS = {"area_mu": "mu", "tax": "money", "output": "money", "investment": "money",
           "tax_per_mu": "money", "output_per_mu": "money", "investment_per_mu": "money",
           "score": "money", "rank": "int"}
TITLE = N_("Land-use efficiency evaluation %(year)s")
METHOD = N_("Method")


def heading(col: str, lang: str) -> str:
    name = vocabulary_name(COLUMNS, col, lang)
    return f"{name} ({vocabulary_name(UNITS, col, lang)})" if col in UNITS else name


def named(code: str | None, name: str | None) -> str | None:
    """A code with its name beside it ("NQ-W 北区西片")."""
    return " ".join(x for x in (code, name) if x) or None


def cells(row: dict, lang: str) -> dict:
    en = lang == "en"
    return {**row,
            "zone": named(row["zone_code"], local_name(row, lang, "zone_name")),
            "industry": named(row["industry_code"], row["industry_name_en" if en else
                                                        "industry_name_zh"])}


def workbook(park: dict, found: dict, lang: str = "zh") -> bytes:
    """`found` is `evaluation.ranked()`'s result."""
    out, book, fmt = new_workbook()
    fmt["mu"] = book.add_format({"border": 1, "num_format": "0.0000", "valign": "top"})
    fmt["money"] = book.add_format({"border": 1, "num_format": "#,##0.00", "valign": "top"})
    fmt["int"] = book.add_format({"border": 1, "num_format": "0", "valign": "top"})
    title = vocabulary_name({"t": TITLE}, "t", lang) % {"year": found["year"]}
    ws = book.add_worksheet(str(found["year"]))
    write_cell(ws, 0, 0, f"{local_name(park, lang)} {title}", fmt["title"])
    method = found["method"]
    write_cell(ws, 1, 0, f'{vocabulary_name({"m": METHOD}, "m", lang)}: '
          f'{vocabulary_name(METHODS, method, lang) if method else "—"}', None)
    for c, col in enumerate(COLUMNS):
        ws.write_string(3, c, heading(col, lang), fmt["head"])
        ws.set_column(c, c, 24 if col in ("name", "company", "industry") else 12)
    for r, row in enumerate(found["enterprises"], 4):
        values = cells(row, lang)
        for c, col in enumerate(COLUMNS):
            write_cell(ws, r, c, values[col], fmt[FORMATS.get(col, "text")])
    ws.freeze_panes(4, 3)
    book.close()
    return out.getvalue()


def file_name(park: dict, year: int, lang: str) -> tuple[str, str]:
    """(ASCII name, local name) of the download."""
    local = f'{park["name"]}_{year}_亩均效益评价' if lang == "zh" else \
        f'{park["code"]}_{year}_evaluation'
    return f'{park["code"]}-{year}-evaluation.xlsx', f"{local}.xlsx"
