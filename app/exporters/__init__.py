"""Exports of a land-requisition plan (DESIGN §4.8), all written from one `PlanResult`.

`FORMATS` maps each format's name in `?format=` to its writer, a function
`writer(result, lang=…, **options) -> bytes` (or a small adapter that imports a slow
library on first use); `export` calls it, so the page, the API and `parkatlas export-plan`
share one list of formats. Download names are
`plan-<id>-v<version>[-points].<extension>` (see `filename`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app import coordinate_file, params
from app.errors import BadRequest, Text
from app.exporters import workbook
from app.labels import N_
from app.plan_result import PlanResult

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# GDAL and geopandas, ezdxf and ReportLab take about a second each to import: their
# writers' modules load on the first export, not when the app or the CLI starts.
def _gis_files():
    from app.exporters import gis_files
    return gis_files


def _cad():
    from app.exporters import cad
    return cad


def _report():
    from app.exporters import report
    return report


@dataclass(frozen=True)
class Format:
    """One export format: its name in `?format=`, file extension, media type and writer."""

    name: str
    extension: str
    media_type: str
    writer: Callable[..., bytes]   # writer(result, lang=…, **options) -> bytes
    label: str                     # shown on the plan page (an English message id)
    options: tuple[str, ...] = ()  # keyword options it takes besides lang

    @property
    def writes_points(self) -> bool:
        """Whether it writes 界址点 numbers, and so takes the `numbering` option."""
        return NUMBERING in self.options


# The option of the formats that write 界址点 numbers: `plan` (once per plan, shared
# corners one number) or `plot` (J1.. afresh per plot); absent = the park's setting
# survey.point_numbering, as frozen in the result. `export` applies it to the result.
NUMBERING = "numbering"


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("xlsx", "xlsx", XLSX, workbook.write_workbook, N_("Excel workbook (XLSX)"),
           options=(NUMBERING,)),
    Format("txt", "txt", "text/plain", coordinate_file.write,
           N_("Submission coordinates (TXT)"), options=("encoding", NUMBERING)),
    Format("points", "xlsx", XLSX, workbook.write_points_xlsx, N_("Boundary points (XLSX)"),
           options=(NUMBERING,)),
    Format("points-csv", "csv", "text/csv", workbook.write_points_csv,
           N_("Boundary points (CSV)"), options=(NUMBERING,)),
    Format("gpkg", "gpkg", "application/geopackage+sqlite3",
           lambda result, lang: _gis_files().write_gpkg(result, lang), N_("GeoPackage")),
    Format("shp", "zip", "application/zip",
           lambda result, lang: _gis_files().write_shapefile_zip(result, lang),
           N_("Shapefile (ZIP)")),
    Format("geojson", "geojson", "application/geo+json",
           lambda result, lang: _gis_files().write_geojson(result, lang), N_("GeoJSON")),
    Format("kml", "kml", "application/vnd.google-earth.kml+xml",
           lambda result, lang: _gis_files().write_kml(result, lang), N_("KML")),
    Format("dxf", "dxf", "image/vnd.dxf",
           lambda result, lang: _cad().write_dxf(result, lang), N_("DXF (CAD)"),
           options=(NUMBERING,)),
    Format("pdf", "pdf", "application/pdf",
           lambda result, lang: _report().write_pdf(result, lang), N_("PDF report"),
           options=(NUMBERING,)),
)}

#: The formats that write 界址点 numbers (and take the `numbering` option).
POINT_FORMATS = tuple(k for k, f in FORMATS.items() if f.writes_points)


def get_format(name: str) -> Format:
    """The format called `name`, or a 400 that lists the known ones."""
    try:
        return FORMATS[name]
    except KeyError:
        raise BadRequest(Text(N_("unknown export format %(name)s; use one of: %(known)s"),
                              name=repr(name), known=", ".join(FORMATS))) from None


def export(result: PlanResult, name: str, lang: str = "zh", **options) -> bytes:
    """Write `result` in format `name` and return the file's bytes."""
    fmt = get_format(name)
    if lang not in ("zh", "en"):
        raise BadRequest(Text(N_("lang must be zh or en, not %(lang)s"), lang=repr(lang)))
    unknown = sorted(set(options) - set(fmt.options))
    if unknown:
        raise BadRequest(Text(N_("format %(name)s does not take %(options)s"), name=name,
                              options=", ".join(unknown)))
    if NUMBERING in options:  # the writers read the points from the result
        result = result.numbered(params.numbering(options.pop(NUMBERING)))
    return fmt.writer(result, lang=lang, **options)



def filename(result: PlanResult, name: str) -> str:
    """A download name such as `plan-7-v2.txt` or `plan-7-v2-points.csv` (the plan id
    keeps it unique)."""
    fmt = get_format(name)
    suffix = "-points" if name.startswith("points") else ""
    return f"plan-{result.plan_id}-v{result.version}{suffix}.{fmt.extension}"
