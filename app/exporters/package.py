"""报批材料包: one zip with every file a land officer takes to the bureau, and a manifest.

The zip holds one folder, `<plan name>_v<version>_报批材料包/`, with

- the 报批坐标 TXT (GBK), the summary workbook, the 界址点成果表 workbook, the DXF, the
  GeoPackage and the PDF report, each named `<plan name>_v<version>_<kind>.<ext>` like
  its single download;
- the Shapefile's files in a folder of their own (`…_图形SHP/`), not as a zip inside the
  zip: ArcGIS, MapGIS and QGIS open a .shp from a folder, and a land officer unpacks once;
- `manifest.json` for machines and `清单.txt` (`manifest.txt` in English) for people: the
  totals every file must agree on (plots, 界址点, areas in m²/亩/公顷, compensation per
  owner and in total to the fen, CRS, version, status, date) and each file's name, size
  and SHA-256.

Every file is written from the one `PlanResult`, so they cannot disagree. Names inside
the zip are UTF-8 with the zip's UTF-8 flag (7-Zip, WinRAR, Windows Explorer, unzip and
macOS read them as Chinese).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from decimal import Decimal

from app import exporters
from app.errors import Text
from app.exporters.headings import COMPONENTS, OWNER_TYPES, PLAN_STATUSES, crs_name, name, pick
from app.labels import N_
from app.plan_result import COMPONENTS as COMPONENT_KEYS
from app.plan_result import PlanResult, to_ha, to_mu

#: The formats in the package, in the order the manifest lists them.
CONTENTS = ("txt", "xlsx", "points", "dxf", "shp", "gpkg", "pdf")
MANIFEST_JSON = "manifest.json"
MANIFEST_TEXT = ("清单.txt", "manifest.txt")
MANIFEST_VERSION = 1
NEWLINE = "\r\n"  # the 清单 is read in Windows Notepad
# its progress, as a job shows it
WRITING = N_("Writing the %(file)s")
ZIPPING = N_("Writing the manifest and packing the ZIP")
STEP = 100  # the progress of one file of the package

H = {
    "title": ("报批材料包清单", "Submission package manifest"),
    "plan": ("方案名称", "Plan"), "park": ("园区", "Park"),
    "organisation": ("数据产生单位", "Organisation"), "version": ("版本", "Version"),
    "status": ("状态", "Status"), "computed_on": ("数据产生日期", "Date computed"),
    "author": ("编制人", "Author"), "crs": ("坐标系", "Coordinate system"),
    "totals": ("各文件一致的合计", "Totals every file agrees on"),
    "plots": ("地块数", "Plots"), "points": ("界址点数", "Boundary points"),
    "area": ("总面积", "Total area"), "compensation": ("补偿费用", "Compensation"),
    "owners": ("权属单位汇总", "Totals by owner"), "files": ("文件", "Files"),
    "bytes": ("字节", "bytes"), "m2": ("平方米", "m²"), "mu": ("亩", "mu"),
    "ha": ("公顷", "ha"), "yuan": ("元", "yuan"),
    "check": ("核对：各文件的 SHA-256 须与下列一致；manifest.json 是同一清单的机读版本。",
              "Check: each file's SHA-256 must equal the one listed; manifest.json is the "
              "machine-readable copy of this list."),
}


def write_package(result: PlanResult, lang: str = "zh", progress=None) -> bytes:
    """The plan's 报批材料包 (zip) in Chinese (default) or English file names and 清单;
    `progress(done, total, message)` hears of each file before it is written."""
    lang = "en" if lang == "en" else "zh"
    folder = exporters.filename(result, "package", lang).removesuffix(".zip")
    files: list[tuple[str, str, bytes]] = []  # (format, path in the folder, bytes)
    total = (len(CONTENTS) + 1) * STEP
    for step, fmt in enumerate(CONTENTS):
        inner = None
        if progress:
            progress(step * STEP, total, Text(WRITING, file=Text(exporters.FORMATS[fmt].label)))
            inner = _within(progress, step * STEP, total)  # the PDF reports its pages
        data = exporters.export(result, fmt, lang=lang, progress=inner)
        if fmt == "shp":
            shp_folder = exporters.filename(result, "shp", lang).removesuffix(".zip")
            with zipfile.ZipFile(io.BytesIO(data)) as inner:
                files += [(fmt, f"{shp_folder}/{member}", inner.read(member))
                          for member in inner.namelist() if not member.endswith("/")]
        else:
            files.append((fmt, exporters.filename(result, fmt, lang), data))
    if progress:
        progress(len(CONTENTS) * STEP, total, Text(ZIPPING))
    data = manifest(result, files, lang)
    text = manifest_text(data, lang)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for _, path, content in files:
            archive.writestr(_entry(f"{folder}/{path}", result), content)
        archive.writestr(_entry(f"{folder}/{MANIFEST_JSON}", result),
                         json.dumps(data, ensure_ascii=False, indent=2).encode())
        # UTF-8 with a BOM: Notepad on a Chinese Windows then reads it as UTF-8, not GBK
        archive.writestr(_entry(f"{folder}/{pick(MANIFEST_TEXT, lang)}", result),
                         "\ufeff".encode() + text.encode())
    return buffer.getvalue()


def _within(progress, start: int, total: int):
    """A file's own progress (a long format's, such as the PDF's pages) as a part of its
    step of the package's."""
    def report(done: int, of: int, message: Text) -> None:
        progress(start + STEP * done // max(1, of), total, message)
    return report


def _entry(path: str, result: PlanResult) -> zipfile.ZipInfo:
    """A zip entry dated the day the result's numbers are of (数据产生日期)."""
    day = result.computed_on
    info = zipfile.ZipInfo(path, date_time=(day.year, day.month, day.day, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def point_count(result: PlanResult) -> int:
    """The plan's 界址点: one per number and place (a corner shared by plots that carries
    one number counts once)."""
    return len({(p.number, round(p.x, 4), round(p.y, 4)) for p in result.boundary_points})


def _areas(m2: float) -> dict:
    # as the documents round them: 0.01 m², 0.0001 亩, 0.000001 公顷
    return {"area_m2": round(m2, 2), "area_mu": round(to_mu(m2), 4),
            "area_ha": round(to_ha(m2), 6)}


def _money(compensation) -> dict:
    return {**{c: str(getattr(compensation, c)) for c in COMPONENT_KEYS},
            "total": str(compensation.total)}


def manifest(result: PlanResult, files: list[tuple[str, str, bytes]], lang: str) -> dict:
    """The package's manifest: the plan, the totals and every file with size and SHA-256."""
    return {
        "manifest_version": MANIFEST_VERSION,
        "language": lang,
        "plan": {"id": result.plan_id, "name": result.plan_name, "version": result.version,
                 "status": result.status, "park": result.park_name,
                 "organisation": result.organisation,
                 "computed_on": result.computed_on.isoformat(), "author": result.author},
        "crs": {"name": crs_name(result.gk_zone, result.gk_epsg, lang=lang),
                "epsg": result.gk_epsg,
                "zone": result.gk_zone},
        "totals": {"plots": len(result.plots), "boundary_points": point_count(result),
                   **_areas(result.area_m2), "compensation": _money(result.compensation)},
        "owners": [{"owner": o.owner, "owner_type": o.owner_type, "plots": o.plots,
                    **_areas(o.area_m2), "compensation": _money(o.compensation)}
                   for o in result.by_owner],
        "excluded": [e.code for e in result.excluded],
        "files": [{"path": path, "format": fmt, "size": len(content),
                   "sha256": hashlib.sha256(content).hexdigest()}
                  for fmt, path, content in files],
    }


def manifest_text(data: dict, lang: str) -> str:
    """The 清单 a person reads: the manifest as short lines."""
    def h(key: str) -> str:
        return pick(H[key], lang)

    colon = ": " if lang == "en" else "："
    plan, totals = data["plan"], data["totals"]
    version = f"v{plan['version']}" if lang == "en" else f"第 {plan['version']} 版"
    lines = [h("title"), ""]
    lines += [f"{h(k)}{colon}{v}" for k, v in (
        ("plan", plan["name"]), ("park", plan["park"]), ("organisation", plan["organisation"]),
        ("version", f"{version} ({name(PLAN_STATUSES, plan['status'], lang)})"),
        ("computed_on", plan["computed_on"]), ("author", plan["author"] or "—"),
        ("crs", data["crs"]["name"]))]
    lines += ["", h("totals"),
              f"{h('plots')}{colon}{totals['plots']}",
              f"{h('points')}{colon}{totals['boundary_points']}",
              f"{h('area')}{colon}{_area_text(totals, lang)}",
              f"{h('compensation')}{colon}{_yuan(totals['compensation']['total'])} {h('yuan')}"]
    lines += [f"  {name(COMPONENTS, c, lang)}{colon}{_yuan(totals['compensation'][c])} "
              f"{h('yuan')}" for c in COMPONENT_KEYS]
    lines += ["", h("owners")]
    for o in data["owners"]:
        lines.append(f"{o['owner']} ({name(OWNER_TYPES, o['owner_type'], lang)}){colon}"
                     f"{o['plots']} {h('plots')}, {_area_text(o, lang)}, {h('compensation')} "
                     f"{_yuan(o['compensation']['total'])} {h('yuan')}")
    lines += ["", h("files")]
    lines += [f"{f['path']}  {f['size']:,} {h('bytes')}  SHA-256 {f['sha256']}"
              for f in data["files"]]
    lines += ["", h("check")]
    return NEWLINE.join(lines) + NEWLINE


def _area_text(row: dict, lang: str) -> str:
    return (f"{row['area_m2']:,.2f} {pick(H['m2'], lang)} = {row['area_mu']:,.4f} "
            f"{pick(H['mu'], lang)} = {row['area_ha']:,.6f} {pick(H['ha'], lang)}")


def _yuan(value: str) -> str:
    return f"{Decimal(value):,.2f}"


__all__ = ["CONTENTS", "MANIFEST_JSON", "MANIFEST_TEXT", "manifest", "manifest_text",
           "point_count", "write_package"]
