"""Exports of a land-requisition plan (DESIGN §4.8), all written from one `PlanResult`.

`FORMATS` maps each format's name in `?format=` to its writer, a function
`writer(result, lang=…, **options) -> bytes` (or a small adapter that imports a slow
library on first use); `export` calls it, so the page, the API and `parkatlas export-plan`
share one list of formats. A download is named by the plan, as a land officer files it:
`<plan name>_v<version>_<kind>.<extension>` with the kind in the export's language
(`filename`), and `plan-<id>-v<version>-<kind>.<extension>` as the ASCII fallback of the
`Content-Disposition` header (`ascii_filename`, `content_disposition`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

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


def _package(result, lang, progress=None):
    from app.exporters import package
    return package.write_package(result, lang, progress)


@dataclass(frozen=True)
class Format:
    """One export format: its name in `?format=`, file extension, media type and writer."""

    name: str
    extension: str
    media_type: str
    writer: Callable[..., bytes]   # writer(result, lang=…, **options) -> bytes
    label: str                     # shown on the plan page (an English message id)
    options: tuple[str, ...] = ()  # keyword options it takes besides lang
    # whether the writer takes `progress` (a jobs.Progress: done, total, message), and
    # so is long enough to be run as a job rather than inside a request
    long: bool = False

    @property
    def writes_points(self) -> bool:
        """Whether it writes 界址点 numbers, and so takes the `numbering` option."""
        return NUMBERING in self.options


# The option of the formats that write 界址点 numbers: `plan` (once per plan, shared
# corners one number) or `plot` (J1.. afresh per plot); absent = the park's setting
# survey.point_numbering, as frozen in the result. `export` applies it to the result.
NUMBERING = "numbering"


FORMATS: dict[str, Format] = {f.name: f for f in (
    # first: the one download a land officer takes to the bureau (every file below in it)
    Format("package", "zip", "application/zip", _package, N_("Submission package (ZIP)"),
           options=(NUMBERING,), long=True),
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
           lambda result, lang, **options: _gis_files().write_shapefile_zip(
               result, lang, **options),
           N_("Shapefile (ZIP)"), options=("encoding",)),
    Format("geojson", "geojson", "application/geo+json",
           lambda result, lang: _gis_files().write_geojson(result, lang), N_("GeoJSON")),
    Format("kml", "kml", "application/vnd.google-earth.kml+xml",
           lambda result, lang: _gis_files().write_kml(result, lang), N_("KML")),
    Format("dxf", "dxf", "image/vnd.dxf",
           lambda result, lang: _cad().write_dxf(result, lang), N_("DXF (CAD)"),
           options=(NUMBERING,)),
    Format("pdf", "pdf", "application/pdf",
           lambda result, lang, progress=None: _report().write_pdf(result, lang, progress),
           N_("PDF report"), options=(NUMBERING,), long=True),
)}

#: The formats that write 界址点 numbers (and take the `numbering` option).
POINT_FORMATS = tuple(k for k, f in FORMATS.items() if f.writes_points)
#: The formats the plan page and the API run as jobs (`export-jobs`), with progress; the
#: others are small and fast, and stay direct downloads. The one place that decides.
LONG_FORMATS = tuple(k for k, f in FORMATS.items() if f.long)


def get_format(name: str) -> Format:
    """The format called `name`, or a 400 that lists the known ones."""
    try:
        return FORMATS[name]
    except KeyError:
        raise BadRequest(Text(N_("unknown export format %(name)s; use one of: %(known)s"),
                              name=repr(name), known=", ".join(FORMATS))) from None


def check_options(name: str, lang: str, options: dict) -> Format:
    """The format `name`, if it takes the language and options given (else a 400)."""
    fmt = get_format(name)
    if lang not in ("zh", "en"):
        raise BadRequest(Text(N_("lang must be zh or en, not %(lang)s"), lang=repr(lang)))
    unknown = sorted(set(options) - set(fmt.options))
    if unknown:
        raise BadRequest(Text(N_("format %(name)s does not take %(options)s"), name=name,
                              options=", ".join(unknown)))
    return fmt


def export(result: PlanResult, name: str, lang: str = "zh", progress=None,
           **options) -> bytes:
    """Write `result` in format `name` and return the file's bytes; a long format reports
    its progress to `progress(done, total, message)` when given."""
    fmt = check_options(name, lang, options)
    if NUMBERING in options:  # the writers read the points from the result
        result = result.numbered(params.numbering(options.pop(NUMBERING)))
    if progress is not None and fmt.long:
        options["progress"] = progress
    return fmt.writer(result, lang=lang, **options)


#: What each format's file is, in file names: (Chinese, English); English also names the
#: ASCII fallback. Formats of the same kind differ by their extension.
KINDS: dict[str, tuple[str, str]] = {
    "package": ("报批材料包", "package"),
    "xlsx": ("汇总表", "summary"),
    "txt": ("报批坐标", "coordinates"),
    "points": ("界址点成果表", "boundary-points"),
    "points-csv": ("界址点成果表", "boundary-points"),
    "gpkg": ("图形", "map-data"),
    "shp": ("图形SHP", "shapefile"),
    "geojson": ("图形", "map-data"),
    "kml": ("图形", "map-data"),
    "dxf": ("CAD图", "cad"),
    "pdf": ("报告", "report"),
}
#: Longest plan name kept in a file name (characters): Windows paths stop at 260, and the
#: package nests a folder and the file inside it.
NAME_LIMIT = 60
# Characters Windows or Linux refuse in a file name (and control characters), and
# whitespace runs, which command lines and some upload forms mangle.
_UNSAFE = re.compile(r'(?:[\\/:*?"<>|\x00-\x1f\x7f]|\s)+')
_WINDOWS_RESERVED = re.compile(r"(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(\..*)?", re.IGNORECASE)


def kind(name: str, lang: str = "zh") -> str:
    """What the export `name` is, in the file name: 报批坐标, 界址点成果表, … (English for en)."""
    get_format(name)
    zh, en = KINDS[name]
    return en if lang == "en" else zh


def safe_name(text: str, fallback: str) -> str:
    """`text` as a file-name part for Windows and Linux: unsafe characters and whitespace
    as `_`, no leading or trailing dots or underscores, at most NAME_LIMIT characters;
    `fallback` when nothing is left or the name is one Windows reserves."""
    text = _UNSAFE.sub("_", unicodedata.normalize("NFC", text))
    text = text[:NAME_LIMIT].strip("._ ")
    if not text or _WINDOWS_RESERVED.fullmatch(text):
        return fallback
    return text


def base_name(result: PlanResult) -> str:
    """`<plan name>_v<version>`, the stem every file of the plan's version starts with."""
    return f"{safe_name(result.plan_name, f'plan-{result.plan_id}')}_v{result.version}"


def filename(result: PlanResult, name: str, lang: str = "zh") -> str:
    """The download name of export `name`, e.g. `吉兴通电子三期征地方案_v1_报批坐标.txt`:
    the plan's name (made safe), its version and the kind of file in `lang`."""
    return f"{base_name(result)}_{kind(name, lang)}.{get_format(name).extension}"


def ascii_filename(result: PlanResult, name: str) -> str:
    """The pure-ASCII name for clients that cannot read `filename*`, e.g.
    `plan-2-v1-coordinates.txt` (the plan id keeps it unique)."""
    return f"plan-{result.plan_id}-v{result.version}-{kind(name, 'en')}" \
           f".{get_format(name).extension}"


def content_disposition(result: PlanResult, name: str, lang: str = "zh") -> str:
    """An RFC 6266 `attachment` header value: the ASCII fallback in `filename`, the plan's
    name in `filename*` (RFC 5987, UTF-8, percent-encoded)."""
    return attachment(filename(result, name, lang), ascii_filename(result, name))


def attachment(name: str, ascii_name: str) -> str:
    """The `Content-Disposition` of a download called `name` (`ascii_name` for clients that
    cannot read `filename*`)."""
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def media_type(name: str, options: dict) -> str:
    """The `Content-Type` of export `name`: a text format with its charset (the TXT is GBK
    by default; Flask would say utf-8)."""
    content_type = get_format(name).media_type
    if content_type.startswith("text/"):
        gbk = name == "txt" and options.get("encoding", "gbk").strip().lower() == "gbk"
        content_type += "; charset=" + ("gbk" if gbk else "utf-8")
    return content_type
