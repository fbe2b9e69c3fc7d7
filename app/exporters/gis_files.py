"""GIS file exports of a plan: GeoPackage, zipped Shapefile, GeoJSON and KML (DESIGN §4.8).

One feature per plot, its MultiPolygon kept whole (holes and parts), with every computed
attribute under the same ASCII field names in every format, so scripts and QGIS
projects work whatever the export language; `lang` picks the language of the text values
(land group, owner type, exclusion reason) and of the KML descriptions.

Fields (GeoPackage, GeoJSON, KML → Shapefile, whose DBF allows 10 ASCII characters):

    plan_name                    PLAN_NAME    plan name
    plan_version                 PLAN_VER     plan version
    plot_code                    PLOT_CODE    plot code, e.g. NQ-01-02
    plot_name                    PLOT_NAME    plot name (may be empty)
    land_class                   LAND_CLASS   GB/T 21010 code, e.g. 0101
    land_class_name              CLASS_NAME   e.g. 水田
    land_group                   LAND_GROUP   耕地 / 其他农用地 / 建设用地 / 未利用地
    owner                        OWNER        village collective, or 国有
    owner_type                   OWNER_TYPE   集体 / 国有
    planned_use                  PLAN_USE     planned-use code, e.g. 100101
    planned_use_name             USE_NAME     e.g. 一类工业用地
    price_zones                  PRICE_ZONE   price zones, e.g. I/II
    area_m2                      AREA_M2      GK area, m², full precision
    area_mu                      AREA_MU      亩, full precision
    area_ha                      AREA_HA      公顷, full precision
    special_crop                 SPEC_CROP    special-crop rate applies
    house_floor_area_m2          HOUSE_M2     house floor area, m²
    compensation_land            COMP_LAND    区片综合地价, 元
    compensation_crops           COMP_CROPS   青苗补偿, 元
    compensation_houses          COMP_HOUSE   地上附着物（房屋）, 元
    compensation_social_security COMP_SOC     社会保障费用, 元
    compensation_total           COMP_TOTAL   合计, 元

Money is written as a double, not as text: GIS users sum, filter and classify these
columns, which a text column does not allow without casting. A double holds every
amount below 2⁵³ fen (≈ 9·10¹³ 元) exactly enough that rounding what is read back to
0.01 gives the plan's Decimal again, so the totals still agree to the fen.

CRS: GeoPackage and Shapefile stay in the park's zone-prefixed GK CRS (`gk_epsg`), the
coordinates the surveyors and the 报批坐标 file use; GeoJSON (RFC 7946) and KML are
EPSG:4326 lon/lat, written with 12 decimals (≈ 0.1 µm): GDAL's RFC 7946 default of 7
decimals (≈ 1 cm) moves a 1 ha plot's area by decimetres², and 9 decimals still moved a
large plot's area by more than 0.01 m² in our checks. Each file's description (GeoPackage
layer, GeoJSON, KML document, the Shapefile's note) names the CRS that file is in.

Versions and encodings, for the readers land offices use:

- GeoPackage 1.2 (`VERSION=1.2`: application_id `GPKG`, user_version 10200). The GDAL
  bundled with pyogrio writes 1.4 by default, which GDAL 3.6 (QGIS 3.28, Debian 12)
  opens with "may only be partially supported"; nothing here needs a 1.3/1.4 feature.
- Shapefile in GBK by default (`encoding=gbk`): ArcGIS ≤ 10.2 and MapGIS read the DBF in
  the system's ANSI code page unless told otherwise, and Chinese Windows is code page 936.
  The DBF says so twice: language driver ID 0x4D (byte 29, "Chinese GBK (PRC)", which
  MapGIS and older dBASE readers use) and a `.cpg` of `936`, the Windows code-page number
  ArcGIS writes and reads there (GDAL reads it as CP936; `GBK` would be an iconv name
  ArcGIS does not list). `encoding=utf-8` writes UTF-8 with a `.cpg` of `UTF-8` for
  ArcGIS Pro and QGIS. Text fields are as wide as their longest value needs (GDAL widens
  them, up to the DBF's 254 bytes): a 40-character Chinese name takes 80 bytes in GBK,
  120 in UTF-8. A character GBK cannot hold is refused with the plot it is in (as the
  报批坐标 TXT does), not written as "?".
"""

from __future__ import annotations

import html
import io
import tempfile
import zipfile
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
from shapely.geometry import MultiPolygon

from app.errors import BadRequest, Text
from app.exporters.headings import (
    EXCLUSION_REASONS,
    FIELDS,
    LAND_GROUPS,
    OWNER_TYPES,
    PLAN_STATUSES,
    UNITS,
    crs_name,
    pick,
)
from app.exporters.headings import name as heading
from app.labels import N_
from app.plan_result import PlanResult, to_ha, to_mu

PLOTS_LAYER = "plan_plots"
EXCLUDED_LAYER = "excluded_plots"
WGS84 = 4326
#: Decimal places of lon/lat in GeoJSON (see the module docstring).
LONLAT_DECIMALS = 12

#: Field name in GeoPackage/GeoJSON/KML → Shapefile (DBF) field name, in column order.
SHAPEFILE_FIELDS = {
    "plan_name": "PLAN_NAME",
    "plan_version": "PLAN_VER",
    "plot_code": "PLOT_CODE",
    "plot_name": "PLOT_NAME",
    "land_class": "LAND_CLASS",
    "land_class_name": "CLASS_NAME",
    "land_group": "LAND_GROUP",
    "owner": "OWNER",
    "owner_type": "OWNER_TYPE",
    "planned_use": "PLAN_USE",
    "planned_use_name": "USE_NAME",
    "price_zones": "PRICE_ZONE",
    "area_m2": "AREA_M2",
    "area_mu": "AREA_MU",
    "area_ha": "AREA_HA",
    "special_crop": "SPEC_CROP",
    "house_floor_area_m2": "HOUSE_M2",
    "compensation_land": "COMP_LAND",
    "compensation_crops": "COMP_CROPS",
    "compensation_houses": "COMP_HOUSE",
    "compensation_social_security": "COMP_SOC",
    "compensation_total": "COMP_TOTAL",
}
#: Shapefile encodings: option value → (GDAL encoding, .cpg text, DBF language driver ID).
SHAPEFILE_ENCODINGS = {"gbk": ("CP936", "936", 0x4D), "utf-8": ("UTF-8", "UTF-8", None)}
LDID_OFFSET = 29                 # byte of the DBF header holding the language driver ID
GPKG_VERSION = "1.2"
MONEY_FIELDS = ("compensation_land", "compensation_crops", "compensation_houses",
                "compensation_social_security", "compensation_total")

# Red outline over a light red fill: the 红线 look, and a filled polygon can be clicked
# anywhere in Google Earth, an unfilled one only on its outline.
KML_STYLE = "PEN(c:#FF0000,w:2px);BRUSH(fc:#FF000033)"


# --- the attribute table ---------------------------------------------------------------

def plot_frame(result: PlanResult, lang: str = "zh") -> gpd.GeoDataFrame:
    """One row per plot with every field of SHAPEFILE_FIELDS, geometry in GK."""
    plots = result.plots
    money = np.array([[float(p.compensation.land), float(p.compensation.crops),
                       float(p.compensation.houses), float(p.compensation.social_security),
                       float(p.compensation.total)] for p in plots],
                     dtype="float64").reshape(len(plots), len(MONEY_FIELDS))
    area = np.array([p.area_m2 for p in plots], dtype="float64")
    columns = {
        "plan_name": _text([result.plan_name] * len(plots)),
        "plan_version": np.full(len(plots), result.version, dtype="int32"),
        "plot_code": _text([p.code for p in plots]),
        "plot_name": _text([p.name for p in plots]),
        "land_class": _text([p.land_class for p in plots]),
        "land_class_name": _text([p.land_class_name for p in plots]),
        "land_group": _text([heading(LAND_GROUPS, p.land_group, lang) or None
                             for p in plots]),
        "owner": _text([p.owner for p in plots]),
        "owner_type": _text([heading(OWNER_TYPES, p.owner_type, lang) for p in plots]),
        "planned_use": _text([p.planned_use for p in plots]),
        "planned_use_name": _text([p.planned_use_name for p in plots]),
        "price_zones": _text([p.price_zones for p in plots]),
        "area_m2": area,
        "area_mu": to_mu(area),
        "area_ha": to_ha(area),
        "special_crop": np.array([p.special_crop for p in plots], dtype=bool),
        "house_floor_area_m2": np.array([p.house_floor_area_m2 for p in plots],
                                        dtype="float64"),
        **{f: money[:, i] for i, f in enumerate(MONEY_FIELDS)},
    }
    geometry = [p.geometry if isinstance(p.geometry, MultiPolygon) else MultiPolygon([p.geometry])
                for p in plots]
    return gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries(geometry, crs=result.gk_epsg))


def excluded_frame(result: PlanResult, lang: str = "zh") -> pd.DataFrame:
    """The plots left out of the plan (no geometry in the result): code, reason, area, since."""
    rows = result.excluded
    area = np.array([e.area_m2 for e in rows], dtype="float64")
    return pd.DataFrame({
        "plot_code": _text([e.code for e in rows]),
        "reason": _text([heading(EXCLUSION_REASONS, e.reason, lang) for e in rows]),
        "area_m2": area,
        "area_mu": to_mu(area),
        "area_ha": to_ha(area),
        # ISO text: pyogrio writes date objects as text anyway, and a DateTime column
        # would show a meaningless 00:00:00.
        "since": _text([e.since.isoformat() if e.since else None for e in rows]),
    })


def _text(values: list) -> pd.Series:
    return pd.Series(values, dtype=object)


def _describe(result: PlanResult, lang: str, lonlat: bool = False) -> str:
    status = heading(PLAN_STATUSES, result.status, lang)
    crs = crs_name(result.gk_zone, result.gk_epsg, lonlat, lang)
    if lang == "en":
        text = (f"{result.title} ({status}), {result.park_name}, "
                f"{result.organisation}, computed {result.computed_on.isoformat()}, "
                f"CRS {crs}")
    else:
        text = (f"{result.title}（{status}），{result.park_name}，{result.organisation}，"
                f"{result.computed_on.isoformat()}，坐标系 {crs}")
    return text + excluded_note(result, lang)


def excluded_note(result: PlanResult, lang: str) -> str:
    """The sentence saying which selected plots were left out, or "" when none were."""
    if not result.excluded:
        return ""
    codes = ", ".join(e.code for e in result.excluded)
    if lang == "en":
        return f". Left out (already requisitioned): {codes}"
    return f"。未列入（已征收）：{codes}"


# --- writers ---------------------------------------------------------------------------

def write_gpkg(result: PlanResult, lang: str = "zh") -> bytes:
    """GeoPackage 1.2: layer `plan_plots` in the GK CRS and table `excluded_plots`."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.gpkg"
        pyogrio.write_dataframe(
            plot_frame(result, lang), path, driver="GPKG", layer=PLOTS_LAYER,
            geometry_type="MultiPolygon",
            layer_options={"IDENTIFIER": result.title, "DESCRIPTION": _describe(result, lang)},
            dataset_metadata=_metadata(result), dataset_options={"VERSION": GPKG_VERSION})
        # An attribute table (GPKG "attributes" data type): the result has no geometry for
        # excluded plots, and the file should still say what was left out.
        pyogrio.write_dataframe(excluded_frame(result, lang), path, driver="GPKG",
                                layer=EXCLUDED_LAYER)
        return path.read_bytes()


def write_shapefile_zip(result: PlanResult, lang: str = "zh", encoding: str = "gbk") -> bytes:
    """Zipped Shapefile (.shp .shx .dbf .prj .cpg) in the GK CRS, attributes in GBK (code
    page 936) or UTF-8, and a note on the plan in the same encoding."""
    key = str(encoding).strip().lower().replace("utf8", "utf-8")
    if key not in SHAPEFILE_ENCODINGS:
        raise BadRequest(Text(N_("unknown encoding %(encoding)s for the Shapefile; use gbk "
                                 "or utf-8"), encoding=repr(encoding)))
    gdal_encoding, cpg, ldid = SHAPEFILE_ENCODINGS[key]
    frame = plot_frame(result, lang).rename(columns=SHAPEFILE_FIELDS)
    if key == "gbk":
        _check_gbk(frame)
    stem = f"plan-{result.plan_id}-v{result.version}"
    note = _describe(result, lang) + "\r\n"
    with tempfile.TemporaryDirectory() as tmp:
        pyogrio.write_dataframe(frame, Path(tmp) / f"{stem}.shp", driver="ESRI Shapefile",
                                geometry_type="MultiPolygon", encoding=gdal_encoding)
        (Path(tmp) / f"{stem}.cpg").write_text(cpg, encoding="ascii")
        if ldid is not None:  # GDAL leaves the language driver ID 0 ("unknown")
            with open(Path(tmp) / f"{stem}.dbf", "r+b") as dbf:
                dbf.seek(LDID_OFFSET)
                dbf.write(bytes([ldid]))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for part in sorted(Path(tmp).iterdir()):
                archive.write(part, part.name)
            # a Shapefile has no place for notes: say what the plan is (and what it left
            # out) in a text file beside it, readable by the same Notepad as the DBF
            archive.writestr(f"{stem}.txt", _encode_note(note, key))
        return buffer.getvalue()


def _check_gbk(frame: pd.DataFrame) -> None:
    """Refuse a text value GBK cannot hold, naming the plot, rather than writing "?"."""
    code_field = SHAPEFILE_FIELDS["plot_code"]
    for column in frame.columns:
        if frame[column].dtype != object or column == "geometry":
            continue
        for code, value in zip(frame[code_field], frame[column], strict=True):
            if not isinstance(value, str):
                continue
            try:
                value.encode("gbk")
            except UnicodeEncodeError as exc:
                ch = value[exc.start]
                where = Text(N_("plot %(code)s"), code=code)
                raise BadRequest(Text(N_(
                    "%(where)s: character %(character)s (U+%(code)s) cannot be written in "
                    "%(codec)s; change the text or export with encoding=utf-8"), where=where,
                    character=repr(ch), code=f"{ord(ch):04X}", codec="GBK"),
                    details={"where": where, "character": ch}) from None


def _encode_note(note: str, encoding: str) -> bytes:
    if encoding == "gbk":
        try:
            return note.encode("gbk")
        except UnicodeEncodeError:
            pass        # a park or plan name outside GBK: UTF-8 with a BOM Notepad knows
    return note.encode("utf-8-sig")


def write_geojson(result: PlanResult, lang: str = "zh") -> bytes:
    """RFC 7946 GeoJSON in EPSG:4326 lon/lat, 12 decimals."""
    frame = plot_frame(result, lang).to_crs(WGS84)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.geojson"
        pyogrio.write_dataframe(
            frame, path, driver="GeoJSON", layer=PLOTS_LAYER, geometry_type="MultiPolygon",
            layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": str(LONLAT_DECIMALS),
                           "DESCRIPTION": _describe(result, lang, lonlat=True)})
        return path.read_bytes()


def write_kml(result: PlanResult, lang: str = "zh") -> bytes:
    """KML in EPSG:4326: one placemark per plot named by its code, key facts as description."""
    frame = plot_frame(result, lang)
    described = frame.drop(columns="geometry")
    frame = frame.to_crs(WGS84)
    frame.insert(0, "name", frame["plot_code"])
    frame.insert(1, "description", _kml_descriptions(described, lang))
    frame["OGR_STYLE"] = KML_STYLE
    driver = kml_driver()
    if driver == "LIBKML":
        options = {"NAME": result.title}
        # Google Earth shows a description as HTML: the plan and park names are data.
        dataset_options = {"NAME": result.title,
                           "DESCRIPTION": html.escape(_describe(result, lang, lonlat=True))}
    else:
        # GDAL's own KML driver looks for "Name"/"Description" unless told otherwise.
        options = {}
        dataset_options = {"NameField": "name", "DescriptionField": "description"}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.kml"
        pyogrio.write_dataframe(frame, path, driver=driver, layer=PLOTS_LAYER,
                                layer_options=options, dataset_options=dataset_options)
        return path.read_bytes()


@cache
def kml_driver() -> str:
    """LIBKML (Google's reference library) where GDAL has it, else GDAL's own KML driver.

    LIBKML writes typed <Schema> fields, CDATA descriptions and the document name; both
    write 15 significant digits (12 decimals of longitude).
    """
    drivers = pyogrio.list_drivers(write=True)
    return "LIBKML" if "LIBKML" in drivers else "KML"


def _kml_descriptions(frame: pd.DataFrame, lang: str) -> list[str]:
    """An HTML table per plot for the Google Earth balloon, every value escaped."""
    en = lang == "en"
    labels = (("plot_code", pick(FIELDS["plot"], lang)),
              ("plot_name", "Name" if en else "地块名称"),
              ("land_class", pick(FIELDS["land_class"], lang)),
              ("owner", pick(FIELDS["owner"], lang)),
              ("owner_type", pick(FIELDS["owner_type"], lang)),
              ("planned_use_name", pick(FIELDS["planned_use"], lang)),
              ("price_zones", pick(FIELDS["price_zone"], lang)))
    total_label = pick(FIELDS["total"], lang)
    yuan_label, mu_label, ha_label = (pick(UNITS[u], lang) for u in ("yuan", "mu", "ha"))
    area_label = pick(FIELDS["area"], lang)
    out = []
    for row in frame.itertuples(index=False):
        values = row._asdict()
        values["land_class"] = " ".join(
            v for v in (values["land_class"], values["land_class_name"]) if v)
        cells = [(label, values[key]) for key, label in labels if values[key]]
        cells.append((area_label, f"{values['area_m2']:,.2f} m² / {values['area_mu']:,.4f} "
                                  f"{mu_label} / {values['area_ha']:,.4f} {ha_label}"))
        cells.append((total_label, f"{values['compensation_total']:,.2f} {yuan_label}"))
        out.append("<table>" + "".join(
            f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
            for k, v in cells) + "</table>")
    return out


def _metadata(result: PlanResult) -> dict[str, str]:
    return {"PLAN_ID": str(result.plan_id), "PLAN_NAME": result.plan_name,
            "PLAN_VERSION": str(result.version), "PLAN_STATUS": result.status,
            "PARK": result.park_name, "ORGANISATION": result.organisation,
            "COMPUTED_ON": result.computed_on.isoformat(), "GK_EPSG": str(result.gk_epsg)}


__all__ = ["EXCLUDED_LAYER", "GPKG_VERSION", "MONEY_FIELDS", "PLOTS_LAYER",
           "SHAPEFILE_ENCODINGS", "SHAPEFILE_FIELDS", "excluded_frame",
           "kml_driver", "plot_frame", "write_geojson", "write_gpkg", "write_kml",
           "write_shapefile_zip"]
