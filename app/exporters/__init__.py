"""Exports of a land-requisition plan (DESIGN §4.8), all written from one `PlanResult`.

Each format is a module function `write(result, **options) -> bytes`; `export` picks it
by name, so the page, the API and `parkatlas export-plan` share one list of formats.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass

from app.errors import BadRequest
from app.labels import N_
from app.plan_result import PlanResult


@dataclass(frozen=True)
class Format:
    """One export format: its name in `?format=`, file extension and media type."""

    name: str
    extension: str
    media_type: str
    module: str        # app.exporters.<module>
    function: str      # the writer in that module
    label: str         # shown on the plan page (an English message id, translated there)


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "workbook", "write_workbook", N_("Excel workbook (XLSX)")),
    Format("txt", "txt", "text/plain", "app.coordinate_file", "write",
           N_("Submission coordinates (TXT)")),
    Format("points", "xlsx",
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "workbook", "write_points_xlsx", N_("Boundary points (XLSX)")),
    Format("points-csv", "csv", "text/csv", "workbook", "write_points_csv",
           N_("Boundary points (CSV)")),
    Format("gpkg", "gpkg", "application/geopackage+sqlite3", "gis_files", "write_gpkg",
           N_("GeoPackage")),
    Format("shp", "zip", "application/zip", "gis_files", "write_shapefile_zip",
           N_("Shapefile (ZIP)")),
    Format("geojson", "geojson", "application/geo+json", "gis_files", "write_geojson",
           N_("GeoJSON")),
    Format("kml", "kml", "application/vnd.google-earth.kml+xml", "gis_files", "write_kml",
           N_("KML")),
    Format("dxf", "dxf", "image/vnd.dxf", "cad", "write_dxf", N_("DXF (CAD)")),
    Format("pdf", "pdf", "application/pdf", "report", "write_pdf", N_("PDF report")),
)}


def get_format(name: str) -> Format:
    """The format called `name`, or a 400 that lists the known ones."""
    try:
        return FORMATS[name]
    except KeyError:
        raise BadRequest(f"unknown export format {name!r}; use one of: "
                         + ", ".join(FORMATS)) from None


def export(result: PlanResult, name: str, **options) -> bytes:
    """Write `result` in format `name` and return the file's bytes."""
    fmt = get_format(name)
    module_name = fmt.module if "." in fmt.module else f"{__name__}.{fmt.module}"
    writer = getattr(importlib.import_module(module_name), fmt.function)
    lang = options.get("lang", "zh")
    if lang not in ("zh", "en"):
        raise BadRequest(f"lang must be zh or en, not {lang!r}")
    accepted = inspect.signature(writer).parameters
    unknown = sorted(k for k in options if k not in accepted and k != "lang")
    if unknown:
        raise BadRequest(f"format {name} does not take {', '.join(unknown)}")
    # Formats without headings (the 报批坐标 TXT) have no language to choose.
    return writer(result, **{k: v for k, v in options.items() if k in accepted})


def filename(result: PlanResult, name: str) -> str:
    """A download name such as `征地方案-7-v2.txt` (the plan id keeps it unique)."""
    fmt = get_format(name)
    suffix = "-points" if name.startswith("points") else ""
    return f"plan-{result.plan_id}-v{result.version}{suffix}.{fmt.extension}"
